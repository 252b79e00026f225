/**
 * Live data for the dashboard: one shared `/ws/market/` socket with reference-counted stream
 * subscriptions, one `/ws/account/` socket whose reconnects and sequence gaps trigger a REST
 * refetch, connection status for the top bar and the offline banner, and helpers for showing the
 * age of live data.
 */
export type { ConnectionStatus } from "../api/ws";
export type { MarketFrame, StreamView } from "./marketMux";
export type { AccountEvent, ResyncReason } from "./accountChannel";
export type { RealtimeStatus } from "./context";
export { LIVE_STATE_QUERY_KEYS, invalidateLiveState } from "./context";
export {
  useMarketStream,
  useMarketStreams,
  useAccountEvents,
  useRealtimeStatus,
  useNow,
  ageLabel,
  isStale,
  DEFAULT_STALE_AFTER_MS,
} from "./hooks";
export { RealtimeProvider } from "./RealtimeProvider";
export { RealtimeBanner } from "./RealtimeBanner";
export { StaleBadge } from "./StaleBadge";
