import { useEffect, useState } from "react";
import { ReconnectingSocket, type ConnectionStatus } from "../api/ws";

export const PING_WS_PATH = "/ws/ping/";

/** Keeps a heartbeat socket to `/ws/ping/` open while mounted and reports its status. */
export function useConnectionStatus(path: string = PING_WS_PATH): ConnectionStatus {
  const [status, setStatus] = useState<ConnectionStatus>("connecting");
  useEffect(() => {
    const socket = new ReconnectingSocket({ url: path });
    const unsubscribe = socket.onStatus(setStatus);
    socket.start();
    return () => {
      unsubscribe();
      socket.stop();
    };
  }, [path]);
  return status;
}
