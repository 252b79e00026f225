import { describe, expect, it } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { HealthIndicator } from "./HealthIndicator";
import { READYZ_QUERY_KEY } from "../hooks/useReadyz";
import { jsonResponse, LOGGED_OUT_SESSION, mockFetch, READY_FAIL, READY_OK, renderWithProviders } from "../test/utils";

describe("HealthIndicator", () => {
  it("is 'unknown' (grey) while /readyz has not answered", () => {
    mockFetch({
      "/api/auth/session/": LOGGED_OUT_SESSION,
      "/readyz": () => new Promise<Response>(() => {}),
    });
    renderWithProviders(<HealthIndicator />);
    const chip = screen.getByTestId("health-indicator");
    expect(chip).toHaveAttribute("data-status", "unknown");
    expect(chip).toHaveTextContent("Unknown");
  });

  it("is 'ok' with a green 'Healthy' chip when /readyz answers ok", async () => {
    const fetchMock = mockFetch({ "/api/auth/session/": LOGGED_OUT_SESSION, "/readyz": jsonResponse(READY_OK) });
    renderWithProviders(<HealthIndicator />);
    await waitFor(() => expect(screen.getByTestId("health-indicator")).toHaveAttribute("data-status", "ok"));
    const chip = screen.getByTestId("health-indicator");
    expect(chip).toHaveTextContent("Healthy");
    expect(chip.className).toMatch(/colorSuccess/);
    expect(fetchMock.mock.calls.some((c) => c[0] === "/readyz")).toBe(true);
  });

  it("is 'fail' with a red 'Degraded' chip listing failing checks in a tooltip on 503", async () => {
    mockFetch({ "/api/auth/session/": LOGGED_OUT_SESSION, "/readyz": jsonResponse(READY_FAIL, 503) });
    renderWithProviders(<HealthIndicator />);
    await waitFor(() => expect(screen.getByTestId("health-indicator")).toHaveAttribute("data-status", "fail"));
    const chip = screen.getByTestId("health-indicator");
    expect(chip).toHaveTextContent("Degraded");
    expect(chip.className).toMatch(/colorError/);
    expect(chip).toHaveAttribute("data-failing", "celery,redis");

    await userEvent.hover(chip);
    const tooltip = await screen.findByRole("tooltip");
    expect(tooltip).toHaveTextContent("redis: Connection refused");
    expect(tooltip).toHaveTextContent("celery: No workers answered");
    expect(tooltip).not.toHaveTextContent("database");
  });

  it("falls back to 'unknown' when /readyz cannot be reached", async () => {
    mockFetch({
      "/api/auth/session/": LOGGED_OUT_SESSION,
      "/readyz": () => Promise.reject(new TypeError("Failed to fetch")),
    });
    const { queryClient } = renderWithProviders(<HealthIndicator />);
    await waitFor(() => expect(queryClient.getQueryState(READYZ_QUERY_KEY)?.status).toBe("error"));
    expect(screen.getByTestId("health-indicator")).toHaveAttribute("data-status", "unknown");
    expect(screen.getByTestId("health-indicator")).toHaveTextContent("Unknown");
  });
});
