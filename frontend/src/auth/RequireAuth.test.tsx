import { describe, expect, it, vi } from "vitest";
import { act, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { AppRoutes } from "../AppRoutes";
import { api } from "../api/client";
import { ADMIN_SESSION, jsonResponse, LOGGED_OUT_SESSION, mockFetch, READY_OK, renderWithProviders } from "../test/utils";

// The canvas-based chart cannot run in jsdom; the chart has its own test with a mock.
vi.mock("lightweight-charts", async () => (await import("../test/lightweightChartsMock")).default);

const path = () => screen.getByTestId("location").textContent;

describe("routing guard", () => {
  it("redirects to /login when the session is unauthenticated", async () => {
    mockFetch({ "/api/auth/session/": LOGGED_OUT_SESSION, "/readyz": READY_OK });
    renderWithProviders(<AppRoutes />, { route: "/orders" });
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeInTheDocument();
    expect(path()).toBe("/login");
    expect(screen.queryByTestId("health-indicator")).not.toBeInTheDocument();
  });

  it("renders the shell and the requested page for an authenticated session", async () => {
    mockFetch({ "/api/auth/session/": ADMIN_SESSION, "/readyz": READY_OK });
    renderWithProviders(<AppRoutes />, { route: "/orders" });
    expect(await screen.findByRole("heading", { name: "Orders" })).toBeInTheDocument();
    expect(path()).toBe("/orders");
    expect(screen.getByText("Trader")).toBeInTheDocument();
    expect(screen.getByTestId("current-username")).toHaveTextContent("admin");
    expect(screen.getByTestId("connection-indicator")).toHaveAttribute("data-status", "connecting");
    await waitFor(() => expect(screen.getByTestId("health-indicator")).toHaveAttribute("data-status", "ok"));
    const nav = screen.getByRole("navigation", { name: "Main navigation" });
    for (const label of ["Trade", "Portfolio", "Orders", "Positions", "Risk", "Alerts", "System"]) {
      expect(nav).toHaveTextContent(label);
    }
  });

  it("returns to the originally requested route after signing in", async () => {
    let loggedIn = false;
    mockFetch({
      "/api/auth/session/": () => {
        document.cookie = "csrftoken=t";
        return jsonResponse(loggedIn ? ADMIN_SESSION : LOGGED_OUT_SESSION);
      },
      "POST /api/auth/login/": () => {
        loggedIn = true;
        return jsonResponse(ADMIN_SESSION);
      },
      "/readyz": READY_OK,
    });
    renderWithProviders(<AppRoutes />, { route: "/positions" });
    await userEvent.type(await screen.findByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "pw");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("heading", { name: "Positions" })).toBeInTheDocument();
    expect(path()).toBe("/positions");
  });

  it("shows the login page when any API call answers 403 not-authenticated", async () => {
    mockFetch({
      "/api/auth/session/": ADMIN_SESSION,
      "/readyz": READY_OK,
      "/api/orders/": jsonResponse({ detail: "Authentication credentials were not provided." }, 403),
    });
    renderWithProviders(<AppRoutes />, { route: "/risk" });
    expect(await screen.findByRole("heading", { name: "Risk" })).toBeInTheDocument();

    await act(async () => {
      await api.get("/api/orders/").catch(() => undefined);
    });
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeInTheDocument();
    expect(path()).toBe("/login");
  });

  it("logs out and shows the login page", async () => {
    let loggedIn = true;
    const fetchMock = mockFetch({
      "/api/auth/session/": () => {
        document.cookie = "csrftoken=t";
        return jsonResponse(loggedIn ? ADMIN_SESSION : LOGGED_OUT_SESSION);
      },
      "POST /api/auth/logout/": () => {
        loggedIn = false;
        return new Response(null, { status: 204 });
      },
      "/readyz": READY_OK,
    });
    renderWithProviders(<AppRoutes />, { route: "/" });
    await userEvent.click(await screen.findByRole("button", { name: /log out/i }));
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeInTheDocument();
    const logoutCall = fetchMock.mock.calls.find((c) => c[0] === "/api/auth/logout/")!;
    expect(((logoutCall[1] as RequestInit).headers as Record<string, string>)["X-CSRFToken"]).toBe("t");
  });

  it("shows the System page with every component's state", async () => {
    const status = {
      generated_at: new Date().toISOString(),
      overall: "degraded",
      environment: "sim",
      components: [
        { name: "database", state: "ok", message: "answered", detail: {}, since: "2026-11-25T14:00:00Z" },
        { name: "worker", state: "down", message: "no Celery worker answered", detail: {}, since: "2026-11-25T14:05:00Z" },
      ],
    };
    mockFetch({ "/api/auth/session/": ADMIN_SESSION, "/readyz": READY_OK, "/api/status/": status });
    renderWithProviders(<AppRoutes />, { route: "/system" });
    const grid = await screen.findByTestId("system-components");
    await waitFor(() => expect(screen.getByTestId("component-worker")).toHaveTextContent("no Celery worker answered"));
    expect(grid).toHaveTextContent("database");
  });
});
