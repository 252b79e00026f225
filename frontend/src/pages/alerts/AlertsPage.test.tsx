import { beforeEach, describe, expect, it } from "vitest";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Alert, AlertDetail } from "../../api/alerts";
import { jsonResponse, mockFetch } from "../../test/utils";
import { openAccountSocket, renderPage } from "../system/testing";
import { AlertsPage } from "./AlertsPage";

function alert(overrides: Partial<Alert>): Alert {
  return {
    id: 11,
    rule: 3,
    rule_name: "Exchange error rate",
    rule_type: "error_rate",
    key: "error_rate:exchange",
    title: "Exchange error rate 12 %",
    message: "12 of 100 exchange calls failed in 5 min",
    severity: "critical",
    state: "open",
    opened_at: new Date(Date.now() - 120_000).toISOString(),
    acknowledged_at: null,
    acknowledged_by: null,
    resolved_at: null,
    last_value: { error_rate_pct: "12" },
    labels: { market: "spot" },
    ...overrides,
  };
}

const SUMMARY = { open: 1, acknowledged: 1, by_severity: { critical: 1, warning: 1, info: 0 } };

function page(results: Alert[]) {
  return { count: results.length, next: null, previous: null, results };
}

beforeEach(() => {
  document.cookie = "csrftoken=test-token; path=/";
});

describe("AlertsPage", { timeout: 20_000 }, () => {
  it("acknowledges an open alert with a note and refreshes the list", async () => {
    const user = userEvent.setup({ delay: null });
    let active = [alert({}), alert({ id: 12, severity: "warning", state: "acknowledged", title: "Stream stale" })];
    const posted: { url: string; body: unknown }[] = [];
    mockFetch({
      "/api/alerts/?state=active": () => jsonResponse(page(active)),
      "/api/alerts/summary/": SUMMARY,
      "POST /api/alerts/11/acknowledge/": (url: string, init: RequestInit) => {
        posted.push({ url, body: JSON.parse(String(init.body)) });
        active = [alert({ state: "acknowledged", acknowledged_by: "trader" }), active[1]!];
        return jsonResponse(active[0]);
      },
    });
    renderPage(<AlertsPage />);

    const row = await screen.findByTestId("alert-row-11");
    expect(row).toHaveTextContent("Exchange error rate 12 %");
    expect(row).toHaveTextContent("critical");
    expect(row).toHaveTextContent("2 min ago");
    // An acknowledged alert can only be resolved.
    expect(screen.queryByTestId("ack-alert-12")).toBeNull();
    expect(within(screen.getByTestId("alert-row-12")).getByTestId("resolve-alert-12")).toBeEnabled();

    await user.click(within(row).getByTestId("ack-alert-11"));
    const dialog = await screen.findByTestId("alert-action-dialog");
    await user.type(within(dialog).getByTestId("alert-action-note"), "looking into it");
    await user.click(within(dialog).getByTestId("alert-action-confirm"));

    await waitFor(() => expect(posted).toEqual([{ url: "/api/alerts/11/acknowledge/", body: { note: "looking into it" } }]));
    await waitFor(() => expect(screen.getByTestId("alert-row-11")).toHaveAttribute("data-state", "acknowledged"));
    expect(screen.queryByTestId("ack-alert-11")).toBeNull();
  });

  it("shows viewers the buttons disabled with a tooltip", async () => {
    const user = userEvent.setup({ delay: null });
    mockFetch({
      "/api/alerts/?state=active": page([alert({})]),
      "/api/alerts/summary/": SUMMARY,
    });
    renderPage(<AlertsPage />, { role: "viewer" });
    const ack = await screen.findByTestId("ack-alert-11");
    expect(ack).toBeDisabled();
    expect(screen.getByTestId("resolve-alert-11")).toBeDisabled();
    await user.hover(ack.closest("[data-guarded]")!);
    expect(await screen.findByRole("tooltip")).toHaveTextContent("Viewers can't change settings");
  });

  it("refreshes on an in-app alert event and opens the history drawer", async () => {
    const user = userEvent.setup({ delay: null });
    let active: Alert[] = [];
    const detail: AlertDetail = {
      ...alert({ id: 21, title: "Breaker open" }),
      history: [{ at: "2026-11-25T14:00:00Z", event: "opened", actor: null, note: "" }],
    };
    mockFetch({
      "/api/alerts/?state=active": () => jsonResponse(page(active)),
      "/api/alerts/summary/": SUMMARY,
      "/api/alerts/21/": detail,
    });
    renderPage(<AlertsPage />);
    const send = openAccountSocket();
    expect(await screen.findByText("No active alerts.")).toBeInTheDocument();

    active = [alert({ id: 21, title: "Breaker open" })];
    send("alert", { event: "opened", alert: active[0] });
    const row = await screen.findByTestId("alert-row-21");

    await user.click(within(row).getByText("Breaker open"));
    const drawer = await screen.findByTestId("alert-drawer");
    await waitFor(() => expect(within(drawer).getByTestId("alert-history")).toHaveTextContent("opened"));
  });
});
