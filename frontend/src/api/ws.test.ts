import { describe, expect, it, vi } from "vitest";
import { backoffDelay, ReconnectingSocket, type ConnectionStatus } from "./ws";
import { FakeWebSocket } from "../test/fakeWebSocket";

function makeSocket(extra: Partial<ConstructorParameters<typeof ReconnectingSocket>[0]> = {}) {
  const statuses: ConnectionStatus[] = [];
  const socket = new ReconnectingSocket({
    url: "/ws/ping/",
    WebSocketImpl: FakeWebSocket as unknown as typeof WebSocket,
    minBackoffMs: 1000,
    maxBackoffMs: 8000,
    heartbeatMs: 5000,
    heartbeatTimeoutMs: 2000,
    random: () => 1,
    ...extra,
  });
  socket.onStatus((s) => statuses.push(s));
  return { socket, statuses };
}

describe("ReconnectingSocket", () => {
  it("computes capped exponential backoff", () => {
    expect([0, 1, 2, 3, 4, 10].map((a) => backoffDelay(a, 1000, 8000, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 8000, 8000,
    ]);
    expect(backoffDelay(3, 1000, 8000, () => 0)).toBe(1000);
  });

  it("connects to the page-relative ws URL, goes online and pings", () => {
    vi.useFakeTimers();
    const { socket } = makeSocket();
    socket.start();
    expect(socket.status).toBe("connecting");
    const ws = FakeWebSocket.latest();
    expect(ws.url).toBe(`ws://${window.location.host}/ws/ping/`);
    ws.serverOpen();
    expect(socket.status).toBe("online");
    expect(ws.sent).toEqual([JSON.stringify({ type: "ping" })]);
    ws.serverMessage({ type: "pong" });
    vi.advanceTimersByTime(5000);
    expect(ws.sent).toHaveLength(2);
    socket.stop();
  });

  it("goes offline when it cannot connect and retries with backoff", () => {
    vi.useFakeTimers();
    const { socket, statuses } = makeSocket();
    socket.start();
    FakeWebSocket.latest().serverClose();
    expect(socket.status).toBe("offline");
    expect(FakeWebSocket.instances).toHaveLength(1);

    vi.advanceTimersByTime(999);
    expect(FakeWebSocket.instances).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(FakeWebSocket.instances).toHaveLength(2);
    // Silent retries: still offline until a socket opens.
    expect(socket.status).toBe("offline");
    FakeWebSocket.latest().serverClose();
    vi.advanceTimersByTime(2000);
    expect(FakeWebSocket.instances).toHaveLength(3);
    FakeWebSocket.latest().serverOpen();
    expect(statuses).toEqual(["offline", "online"]);
    socket.stop();
  });

  it("declares the socket dead when a ping gets no answer", () => {
    vi.useFakeTimers();
    const { socket } = makeSocket();
    socket.start();
    FakeWebSocket.latest().serverOpen();
    vi.advanceTimersByTime(2000);
    expect(socket.status).toBe("offline");
    vi.advanceTimersByTime(1000);
    expect(FakeWebSocket.instances).toHaveLength(2);
    socket.stop();
  });

  it("stops cleanly without reconnecting", () => {
    vi.useFakeTimers();
    const { socket } = makeSocket();
    socket.start();
    socket.stop();
    vi.advanceTimersByTime(60_000);
    expect(FakeWebSocket.instances).toHaveLength(1);
    expect(socket.status).toBe("offline");
  });
});
