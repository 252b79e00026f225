import { describe, expect, it } from "vitest";
import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Route, Routes } from "react-router-dom";
import { LoginPage } from "./LoginPage";
import { ADMIN_SESSION, jsonResponse, LOGGED_OUT_SESSION, mockFetch, renderWithProviders } from "../test/utils";

function renderLogin() {
  return renderWithProviders(
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route path="*" element={<div>somewhere else</div>} />
    </Routes>,
    { route: "/login" },
  );
}

function sessionSettingCsrf() {
  document.cookie = "csrftoken=login-token";
  return jsonResponse(LOGGED_OUT_SESSION);
}

describe("LoginPage", () => {
  it("renders Username, Password and a Sign in button", async () => {
    mockFetch({ "/api/auth/session/": sessionSettingCsrf });
    renderLogin();
    expect(await screen.findByLabelText("Username")).toBeInTheDocument();
    expect(screen.getByLabelText("Password")).toHaveAttribute("type", "password");
    expect(screen.getByRole("button", { name: "Sign in" })).toBeInTheDocument();
  });

  it("validates empty fields without calling the server", async () => {
    const fetchMock = mockFetch({ "/api/auth/session/": sessionSettingCsrf });
    renderLogin();
    await userEvent.click(await screen.findByRole("button", { name: "Sign in" }));
    expect(screen.getByText("Username is required.")).toBeInTheDocument();
    expect(screen.getByText("Password is required.")).toBeInTheDocument();
    expect(fetchMock.mock.calls.some((c) => c[0] === "/api/auth/login/")).toBe(false);

    await userEvent.type(screen.getByLabelText("Username"), "alice");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(screen.queryByText("Username is required.")).not.toBeInTheDocument();
    expect(screen.getByText("Password is required.")).toBeInTheDocument();
  });

  it("shows the server's error in an Alert on 400", async () => {
    mockFetch({
      "/api/auth/session/": sessionSettingCsrf,
      "POST /api/auth/login/": jsonResponse({ detail: "Invalid username or password." }, 400),
    });
    renderLogin();
    await userEvent.type(await screen.findByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "wrong");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Invalid username or password.");
    expect(alert.className).toMatch(/MuiAlert/);
    expect(screen.getByLabelText("Password")).toHaveValue("");
    expect(screen.getByTestId("location").textContent).toBe("/login");
  });

  it("shows server field errors under the fields", async () => {
    mockFetch({
      "/api/auth/session/": sessionSettingCsrf,
      "POST /api/auth/login/": jsonResponse({ password: ["This field may not be blank."] }, 400),
    });
    renderLogin();
    await userEvent.type(await screen.findByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), " ");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByText("This field may not be blank.")).toBeInTheDocument();
  });

  it("posts credentials with the CSRF token and navigates to / on success", async () => {
    const fetchMock = mockFetch({
      "/api/auth/session/": sessionSettingCsrf,
      "POST /api/auth/login/": jsonResponse(ADMIN_SESSION),
    });
    renderLogin();
    await userEvent.type(await screen.findByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "s3cret");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(screen.getByTestId("location").textContent).toBe("/"));
    expect(screen.getByText("somewhere else")).toBeInTheDocument();

    const loginCall = fetchMock.mock.calls.find((c) => c[0] === "/api/auth/login/")!;
    const init = loginCall[1] as RequestInit;
    expect(JSON.parse(String(init.body))).toEqual({ username: "admin", password: "s3cret" });
    expect((init.headers as Record<string, string>)["X-CSRFToken"]).toBe("login-token");
    expect(init.credentials).toBe("same-origin");
  });

  it("shows a connection error when the server is unreachable", async () => {
    mockFetch({
      "/api/auth/session/": sessionSettingCsrf,
      "POST /api/auth/login/": () => Promise.reject(new TypeError("Failed to fetch")),
    });
    renderLogin();
    await userEvent.type(await screen.findByLabelText("Username"), "admin");
    await userEvent.type(screen.getByLabelText("Password"), "x");
    await userEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Cannot reach the server");
  });
});
