import { useCallback, useMemo, useState } from "react";
import { markFromFrame } from "../../api/positions";
import { useMarketStreams, type ConnectionStatus, type MarketFrame } from "../../realtime";
import type { Price } from "../../types/money";

export interface LiveMark {
  price: Price;
  receivedAt: number;
}

export function markStream(symbol: string): string {
  return `usdm.${symbol.toLowerCase()}.markprice`;
}

/** Latest mark price per USD-M symbol from the `usdm.<symbol>.markprice` streams. */
export function useLiveMarks(symbols: string[]): { marks: Record<string, LiveMark>; status: ConnectionStatus } {
  const key = [...new Set(symbols)].sort().join(",");
  const streams = useMemo(() => (key ? key.split(",").map(markStream) : []), [key]);
  const [marks, setMarks] = useState<Record<string, LiveMark>>({});
  const onFrame = useCallback((frame: MarketFrame) => {
    const price = markFromFrame(frame.data);
    const symbol = frame.stream.split(".")[1]?.toUpperCase();
    if (!price || !symbol) return;
    setMarks((prev) =>
      prev[symbol]?.price === price ? prev : { ...prev, [symbol]: { price, receivedAt: frame.receivedAt } },
    );
  }, []);
  const { status } = useMarketStreams(streams, onFrame);
  return { marks, status };
}
