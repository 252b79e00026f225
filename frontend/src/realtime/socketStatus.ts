import {
  backoffDelay,
  ReconnectingSocket,
  type ConnectionStatus,
  type ReconnectingSocketOptions,
  type WsMessage,
} from "../api/ws";

export interface SocketState {
  status: ConnectionStatus;
  /** When `status` last changed (ms since epoch). */
  since: number;
  /** When the next reconnect attempt fires while offline; null otherwise. */
  retryAt: number | null;
}

export interface SocketOptions {
  url: string;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  WebSocketImpl?: typeof WebSocket;
  random?: () => number;
  now?: () => number;
}

/**
 * A ReconnectingSocket plus what the banner needs to say: the status, since when, and when the
 * next attempt fires. ReconnectingSocket computes its backoff from the `random` option and does
 * not expose the delay, so the same delay is recomputed here from the same draw: the countdown
 * shown is the real one, not an estimate.
 */
export class ObservedSocket<In extends WsMessage = WsMessage, Out extends WsMessage = WsMessage> {
  readonly socket: ReconnectingSocket<In, Out>;
  private stateValue: SocketState;
  private attempt = 0;
  private readonly listeners = new Set<(s: SocketState) => void>();
  private readonly now: () => number;

  constructor(options: SocketOptions) {
    const minMs = options.minBackoffMs ?? 1_000;
    const maxMs = options.maxBackoffMs ?? 30_000;
    const random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.stateValue = { status: "connecting", since: this.now(), retryAt: null };
    // ReconnectingSocket spreads its options over the defaults: an explicit undefined would win.
    const optional: Partial<ReconnectingSocketOptions> = {};
    if (options.heartbeatMs !== undefined) optional.heartbeatMs = options.heartbeatMs;
    if (options.heartbeatTimeoutMs !== undefined) optional.heartbeatTimeoutMs = options.heartbeatTimeoutMs;
    if (options.WebSocketImpl !== undefined) optional.WebSocketImpl = options.WebSocketImpl;
    this.socket = new ReconnectingSocket<In, Out>({
      ...optional,
      url: options.url,
      minBackoffMs: minMs,
      maxBackoffMs: maxMs,
      // Called exactly once per scheduled reconnect, right after the status turned offline.
      random: () => {
        const r = random();
        const delay = backoffDelay(this.attempt, minMs, maxMs, () => r);
        this.attempt += 1;
        this.update({ ...this.stateValue, retryAt: this.now() + delay });
        return r;
      },
    });
    this.socket.onStatus((status) => {
      if (status === "online") this.attempt = 0;
      this.update({ status, since: this.now(), retryAt: null });
    });
  }

  get state(): SocketState {
    return this.stateValue;
  }

  onState(listener: (s: SocketState) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private update(next: SocketState): void {
    this.stateValue = next;
    for (const listener of [...this.listeners]) listener(next);
  }
}
