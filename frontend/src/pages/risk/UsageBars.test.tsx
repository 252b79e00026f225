import { describe, expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import { usageLevel, type LimitUsage } from "../../api/risk";
import { UsageBars } from "./UsageBars";

describe("usageLevel", () => {
  it.each([
    [null, "normal"],
    ["0", "normal"],
    ["69.99", "normal"],
    ["70", "warning"],
    ["70.00", "warning"],
    ["89.5", "warning"],
    ["90", "warning"],
    ["90.01", "error"],
    ["100", "error"],
    ["250.5", "error"],
    ["not-a-number", "normal"],
  ])("%s %% used -> %s", (pct, level) => {
    expect(usageLevel(pct)).toBe(level);
  });
});

function row(limit: string, used: string | null, current: string | null = "700"): LimitUsage {
  return { limit, label: limit.replaceAll("_", " "), unit: "USDT", limit_value: "1000000.50", current, used_pct: used, detail: "" };
}

describe("UsageBars", () => {
  it("colours each bar by its level and shows value and limit as decimal strings", () => {
    render(
      <UsageBars
        limits={[
          row("max_gross_exposure", "12.5"),
          row("max_position_notional", "75"),
          { ...row("max_correlated_exposure", "95.25", "952500.476"), detail: "BTCUSDT, ETHUSDT" },
          row("max_leverage", null, null),
        ]}
      />,
    );
    expect(screen.getByTestId("usage-max_gross_exposure")).toHaveAttribute("data-level", "normal");
    expect(screen.getByTestId("usage-max_position_notional")).toHaveAttribute("data-level", "warning");
    const hot = screen.getByTestId("usage-max_correlated_exposure");
    expect(hot).toHaveAttribute("data-level", "error");
    expect(hot).toHaveTextContent("952,500.476 USDT / 1,000,000.50 USDT (95.3 %)");
    expect(hot).toHaveTextContent("BTCUSDT, ETHUSDT");
    expect(hot.querySelector(".MuiLinearProgress-colorError")).not.toBeNull();
    expect(screen.getByTestId("usage-max_position_notional").querySelector(".MuiLinearProgress-colorWarning")).not.toBeNull();
    expect(screen.getByTestId("usage-max_leverage")).toHaveTextContent("— / 1,000,000.50 USDT");
  });
});
