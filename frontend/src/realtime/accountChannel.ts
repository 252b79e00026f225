import type { WsMessage } from "../api/ws";
import { ObservedSocket, type SocketOptions } from "./socketStatus";

export const ACCOUNT_WS_PATH = "/ws/account/";

export interface AccountEvent {
  kind: "order" | "fill" | "balance" | "position" | "stream" | "risk" | "alert" | (string & {});
  seq: number;
  payload: Record<string, unknown>;
}

export type AccountEventListener = (event: AccountEvent) => void;
/** Why the picture the client holds can no longer be trusted. */
export type ResyncReason = "reconnect" | "gap";

/**
 * The one `/ws/account/` socket. The server numbers events per user; the channel remembers the
 * last number. A reconnect (events may have been missed while offline) or a jump in the numbers
 * (an event was lost) calls `onResync`: the provider then refetches everything over REST.
 */
export class AccountChannel {
  readonly observed: ObservedSocket;
  private lastSeq: number | null = null;
  private hadHello = false;
  private readonly listeners = new Set<AccountEventListener>();
  private readonly resyncListeners = new Set<(reason: ResyncReason) => void>();

  constructor(options: Partial<SocketOptions> = {}) {
    this.observed = new ObservedSocket({ ...options, url: options.url ?? ACCOUNT_WS_PATH });
    this.observed.socket.onMessage((message) => this.handle(message));
  }

  start(): void {
    this.observed.socket.start();
  }

  stop(): void {
    this.observed.socket.stop();
  }

  get seq(): number | null {
    return this.lastSeq;
  }

  onEvent(listener: AccountEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  onResync(listener: (reason: ResyncReason) => void): () => void {
    this.resyncListeners.add(listener);
    return () => {
      this.resyncListeners.delete(listener);
    };
  }

  private resync(reason: ResyncReason): void {
    for (const listener of [...this.resyncListeners]) listener(reason);
  }

  private handle(message: WsMessage): void {
    if (message.type === "hello") {
      const seq = Number(message.seq);
      // The first hello starts the count; every later one follows a reconnect.
      if (this.hadHello) this.resync("reconnect");
      this.hadHello = true;
      this.lastSeq = Number.isFinite(seq) ? seq : null;
      return;
    }
    if (message.type !== "event") return;
    const seq = Number(message.seq);
    if (!Number.isFinite(seq)) return;
    const event: AccountEvent = {
      kind: String(message.kind),
      seq,
      payload: message.payload && typeof message.payload === "object" ? (message.payload as Record<string, unknown>) : {},
    };
    const expected = this.lastSeq === null ? null : this.lastSeq + 1;
    if (expected !== null && seq > expected) this.resync("gap");
    // An event numbered at or below the last one was published while the hello was being read:
    // it is still news to this client, so it is delivered, but the count never moves backwards.
    if (this.lastSeq === null || seq > this.lastSeq) this.lastSeq = seq;
    for (const listener of [...this.listeners]) listener(event);
  }
}
