import type { WsMessage } from "../api/ws";
import { ObservedSocket, type SocketOptions } from "./socketStatus";

export const MARKET_WS_PATH = "/ws/market/";

export interface MarketFrame<T = unknown> {
  stream: string;
  data: T;
  receivedAt: number;
  /** True for the snapshot the server sends first after (re)subscribing. */
  snapshot?: boolean;
  /** Exchange event time `E` in ms, when the message carried one. */
  eventTime?: number | null;
}

export type FrameListener = (frame: MarketFrame) => void;
export type StreamErrorListener = (message: string) => void;

/** What a component renders for one stream; replaced (never mutated) on every change. */
export interface StreamView {
  last: MarketFrame | null;
  error: string | null;
}

export const EMPTY_VIEW: StreamView = Object.freeze({ last: null, error: null });

interface Entry {
  listeners: Set<FrameListener>;
  errorListeners: Set<StreamErrorListener>;
  view: StreamView;
}

type ServerFrame =
  | { type: "hello"; max_streams?: number }
  | { type: "snapshot" | "update"; stream: string; message: { E?: unknown; data?: unknown } | null }
  | { type: "unsubscribed"; streams: string[] }
  | { type: "error"; code?: string; message?: string; stream?: string | null };


export interface MarketMuxOptions extends Partial<SocketOptions> {
  /** A stream nobody wants is unsubscribed after this delay, so a quick remount does not churn. */
  unsubscribeGraceMs?: number;
}

/**
 * The one `/ws/market/` socket, shared by every component. Subscriptions are reference counted:
 * the server hears `subscribe` when the first listener of a stream arrives and `unsubscribe` when
 * the last one leaves (after a short grace). The server sends a snapshot only once per stream and
 * connection, so the last frame is cached here for listeners that join later. After a reconnect
 * every wanted stream is subscribed again (the server forgot them) and fresh snapshots follow.
 */
export class MarketMux {
  readonly observed: ObservedSocket;
  private readonly entries = new Map<string, Entry>();
  private readonly pendingUnsubscribe = new Set<string>();
  private unsubscribeTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly graceMs: number;
  private readonly now: () => number;

  constructor(options: MarketMuxOptions = {}) {
    this.graceMs = options.unsubscribeGraceMs ?? 1_500;
    this.now = options.now ?? Date.now;
    this.observed = new ObservedSocket({ ...options, url: options.url ?? MARKET_WS_PATH });
    this.observed.socket.onStatus((status) => {
      if (status === "online") this.resubscribeAll();
    });
    this.observed.socket.onMessage((message) => this.handle(message as unknown as ServerFrame));
  }

  start(): void {
    this.observed.socket.start();
  }

  stop(): void {
    if (this.unsubscribeTimer !== null) clearTimeout(this.unsubscribeTimer);
    this.unsubscribeTimer = null;
    this.observed.socket.stop();
  }

  /** Streams the server should be sending now (reference count > 0 or within the grace delay). */
  get streams(): string[] {
    return [...this.entries.keys()];
  }

  refCount(stream: string): number {
    return this.entries.get(stream)?.listeners.size ?? 0;
  }

  /** The latest frame and error of a stream (a stable object between changes). */
  view(stream: string): StreamView {
    return this.entries.get(stream)?.view ?? EMPTY_VIEW;
  }

  /** Listen to several streams with one subscribe message; returns the matching unsubscribe. */
  subscribe(streams: string[], listener: FrameListener, onError?: StreamErrorListener): () => void {
    const unique = [...new Set(streams)];
    const fresh: string[] = [];
    for (const stream of unique) {
      let entry = this.entries.get(stream);
      if (!entry) {
        entry = { listeners: new Set(), errorListeners: new Set(), view: EMPTY_VIEW };
        this.entries.set(stream, entry);
        fresh.push(stream);
      }
      this.pendingUnsubscribe.delete(stream);
      entry.listeners.add(listener);
      if (onError) entry.errorListeners.add(onError);
    }
    if (fresh.length > 0) this.send("subscribe", fresh);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      for (const stream of unique) {
        const entry = this.entries.get(stream);
        if (!entry) continue;
        entry.listeners.delete(listener);
        if (onError) entry.errorListeners.delete(onError);
        if (entry.listeners.size === 0) this.pendingUnsubscribe.add(stream);
      }
      this.scheduleUnsubscribe();
    };
  }

  private scheduleUnsubscribe(): void {
    if (this.pendingUnsubscribe.size === 0 || this.unsubscribeTimer !== null) return;
    this.unsubscribeTimer = setTimeout(() => {
      this.unsubscribeTimer = null;
      const gone = [...this.pendingUnsubscribe].filter((s) => this.refCount(s) === 0);
      this.pendingUnsubscribe.clear();
      for (const stream of gone) this.entries.delete(stream);
      if (gone.length > 0) this.send("unsubscribe", gone);
    }, this.graceMs);
  }

  private send(action: "subscribe" | "unsubscribe", streams: string[]): void {
    // Not open yet (or reconnecting): the "online" handler subscribes everything wanted.
    // The market protocol speaks in "action" frames, not the typed {type} messages of the heartbeat.
    this.observed.socket.send({ action, streams } as unknown as WsMessage);
  }

  private resubscribeAll(): void {
    const wanted = [...this.entries.entries()].filter(([, e]) => e.listeners.size > 0).map(([s]) => s);
    for (const [stream, entry] of [...this.entries.entries()]) {
      if (entry.listeners.size === 0) this.entries.delete(stream);
    }
    this.pendingUnsubscribe.clear();
    if (wanted.length > 0) this.send("subscribe", wanted);
  }

  private handle(frame: ServerFrame): void {
    if (frame.type === "snapshot" || frame.type === "update") {
      const entry = this.entries.get(frame.stream);
      // A null snapshot means nothing is cached yet: the first update follows.
      if (!entry || !frame.message) return;
      const e = Number(frame.message.E);
      const out: MarketFrame = {
        stream: frame.stream,
        data: frame.message.data,
        receivedAt: this.now(),
        snapshot: frame.type === "snapshot",
        eventTime: Number.isFinite(e) ? e : null,
      };
      entry.view = { last: out, error: null };
      for (const listener of [...entry.listeners]) listener(out);
    } else if (frame.type === "error" && frame.stream) {
      const entry = this.entries.get(frame.stream);
      if (!entry) return;
      const error = frame.message ?? frame.code ?? "stream error";
      entry.view = { ...entry.view, error };
      for (const listener of [...entry.errorListeners]) listener(error);
    }
    // hello, unsubscribed and stream-less errors (the heartbeat ping is not a market action and
    // the server answers it with one, which is all the heartbeat needs) carry nothing for listeners.
  }
}
