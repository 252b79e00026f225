import { describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Alert, AlertSummary } from "../api/alerts";
import { jsonResponse, mockFetch } from "../test/utils";
import { openAccountSocket, renderPage } from "../pages/system/testing";
import { AlertBell } from "./AlertBell";

function alert(id: number, severity: Alert["severity"], state: Alert["state"] = "open"): Alert {
  return {
    id,
    rule: 1,
    rule_name: "Breaker open",
    rule_type: "breaker_open",
    key: `breaker:${id}`,
    title: `Alert ${id} (${severity})`,
    message: "",
    severity,
    state,
    opened_at: new Date().toISOString(),
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    last_value: null,
    labels: null,
  };
}

function summary(open: number, acknowledged: number, critical = 0): AlertSummary {
  return { open, acknowledged, by_severity: { critical, warning: open + acknowledged - critical, info: 0 } };
}

describe("AlertBell", { timeout: 20_000 }, () => {
  it("counts open plus acknowledged alerts and lists the latest in its popover", async () => {
    const user = userEvent.setup({ delay: null });
    mockFetch({
      "/api/alerts/summary/": summary(2, 1),
      "/api/alerts/?state=active": { count: 3, next: null, previous: null, results: [alert(1, "warning"), alert(2, "warning"), alert(3, "info", "acknowledged")] },
    });
    renderPage(<AlertBell />);
    const bell = screen.getByTestId("alert-bell");
    await waitFor(() => expect(bell).toHaveAttribute("data-count", "3"));
    expect(within(bell).getByText("3")).toBeInTheDocument();
    expect(bell).toHaveAccessibleName("3 active alerts");

    await user.click(bell);
    const popover = await screen.findByTestId("alert-bell-popover");
    expect(within(popover).getByText("Alert 3 (info)")).toBeInTheDocument();
    await user.click(within(popover).getByText("Open alert centre"));
    expect(screen.getByTestId("location")).toHaveTextContent("/alerts");
  });

  it("updates the count and shows a snackbar when a critical alert opens", async () => {
    let current = summary(0, 0);
    mockFetch({
      "/api/alerts/summary/": () => jsonResponse(current),
      "/api/alerts/?state=active": { count: 0, next: null, previous: null, results: [] },
    });
    renderPage(<AlertBell />);
    const send = openAccountSocket();
    const bell = screen.getByTestId("alert-bell");
    await waitFor(() => expect(bell).toHaveAccessibleName("0 active alerts"));
    expect(screen.queryByTestId("alert-snackbar")).toBeNull();

    // An info alert refreshes the count but makes no noise.
    current = summary(1, 0);
    send("alert", { event: "opened", alert: alert(4, "info") });
    await waitFor(() => expect(bell).toHaveAttribute("data-count", "1"));
    expect(screen.queryByTestId("alert-snackbar")).toBeNull();

    current = summary(2, 0, 1);
    send("alert", { event: "opened", alert: alert(5, "critical") });
    await waitFor(() => expect(bell).toHaveAttribute("data-count", "2"));
    expect(await screen.findByTestId("alert-snackbar")).toHaveTextContent("Alert 5 (critical)");
  });
});
