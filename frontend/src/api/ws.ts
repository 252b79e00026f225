/**
 * A small typed WebSocket client with reconnect (exponential backoff + jitter), an
 * application-level heartbeat (`{"type":"ping"}` → `{"type":"pong"}`) and an observable
 * connection status. Used for `/ws/ping/` now and `/ws/account/`, `/ws/market/` later.
 *
 * Status semantics (what the top bar shows):
 * - "connecting": the first connection attempt is in flight.
 * - "online": the socket is open and answering heartbeats.
 * - "offline": the socket is closed or unreachable; reconnect attempts continue silently in
 *   the background and the status flips back to "online" when one succeeds.
 */

export type ConnectionStatus = "connecting" | "online" | "offline";

export interface WsMessage {
  type: string;
  [key: string]: unknown;
}

export interface ReconnectingSocketOptions {
  /** Absolute ws(s):// URL or a path such as "/ws/ping/" (resolved against the page's origin). */
  url: string;
  /** Interval between heartbeat pings, ms. 0 disables the heartbeat. */
  heartbeatMs?: number;
  /** How long to wait for any message after a ping before declaring the socket dead, ms. */
  heartbeatTimeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** For tests. */
  WebSocketImpl?: typeof WebSocket;
  random?: () => number;
}

export function wsUrl(path: string): string {
  if (/^wss?:\/\//.test(path)) return path;
  const { protocol, host } = window.location;
  return `${protocol === "https:" ? "wss" : "ws"}://${host}${path}`;
}

/** Delay before reconnect attempt `attempt` (0-based): full jitter over an exponential cap. */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 20));
  return Math.round(minMs + (cap - minMs) * random());
}

type StatusListener = (status: ConnectionStatus) => void;
type MessageListener<In> = (message: In) => void;

export class ReconnectingSocket<In extends WsMessage = WsMessage, Out extends WsMessage = WsMessage> {
  private socket: WebSocket | null = null;
  private statusValue: ConnectionStatus = "connecting";
  private attempt = 0;
  private stopped = true;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeatTimer: ReturnType<typeof setInterval> | null = null;
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly statusListeners = new Set<StatusListener>();
  private readonly messageListeners = new Set<MessageListener<In>>();
  private readonly opts: Required<Omit<ReconnectingSocketOptions, "WebSocketImpl">> & {
    WebSocketImpl: typeof WebSocket | undefined;
  };

  constructor(options: ReconnectingSocketOptions) {
    this.opts = {
      heartbeatMs: 20_000,
      heartbeatTimeoutMs: 10_000,
      minBackoffMs: 1_000,
      maxBackoffMs: 30_000,
      random: Math.random,
      ...options,
      WebSocketImpl: options.WebSocketImpl,
    };
  }

  get status(): ConnectionStatus {
    return this.statusValue;
  }

  onStatus(listener: StatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  onMessage(listener: MessageListener<In>): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.attempt = 0;
    this.setStatus("connecting");
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
      try {
        socket.close(1000);
      } catch {
        // already closed
      }
    }
    this.setStatus("offline");
  }

  /** Send a message; returns false when the socket is not open (the message is dropped). */
  send(message: Out): boolean {
    const socket = this.socket;
    if (!socket || socket.readyState !== 1 /* OPEN */) return false;
    socket.send(JSON.stringify(message));
    return true;
  }

  private setStatus(status: ConnectionStatus): void {
    if (status === this.statusValue) return;
    this.statusValue = status;
    for (const listener of [...this.statusListeners]) listener(status);
  }

  private connect(): void {
    const Impl = this.opts.WebSocketImpl ?? (typeof WebSocket === "undefined" ? undefined : WebSocket);
    if (!Impl) {
      this.setStatus("offline");
      return;
    }
    let socket: WebSocket;
    try {
      socket = new Impl(wsUrl(this.opts.url));
    } catch {
      this.handleClose();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setStatus("online");
      this.startHeartbeat();
    };
    socket.onmessage = (event: MessageEvent) => {
      this.clearDeadline();
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(event.data));
      } catch {
        return;
      }
      if (!parsed || typeof parsed !== "object" || typeof (parsed as WsMessage).type !== "string") return;
      for (const listener of [...this.messageListeners]) listener(parsed as In);
    };
    socket.onerror = () => {
      // onclose follows and does the work.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.handleClose();
    };
  }

  private handleClose(): void {
    this.clearTimers();
    this.socket = null;
    if (this.stopped) return;
    this.setStatus("offline");
    const delay = backoffDelay(this.attempt, this.opts.minBackoffMs, this.opts.maxBackoffMs, this.opts.random);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private startHeartbeat(): void {
    if (this.opts.heartbeatMs <= 0) return;
    const ping = () => {
      if (this.send({ type: "ping" } as Out) && this.deadlineTimer === null) {
        this.deadlineTimer = setTimeout(() => {
          // No answer: the connection is dead even if the browser has not noticed yet.
          this.deadlineTimer = null;
          const socket = this.socket;
          if (socket) {
            socket.onopen = socket.onclose = socket.onerror = socket.onmessage = null;
            try {
              socket.close(4000);
            } catch {
              // ignore
            }
          }
          this.handleClose();
        }, this.opts.heartbeatTimeoutMs);
      }
    };
    ping();
    this.heartbeatTimer = setInterval(ping, this.opts.heartbeatMs);
  }

  private clearDeadline(): void {
    if (this.deadlineTimer !== null) {
      clearTimeout(this.deadlineTimer);
      this.deadlineTimer = null;
    }
  }

  private clearTimers(): void {
    this.clearDeadline();
    if (this.heartbeatTimer !== null) clearInterval(this.heartbeatTimer);
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.heartbeatTimer = null;
    this.reconnectTimer = null;
  }
}
