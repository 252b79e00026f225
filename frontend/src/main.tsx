import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { storedTheme } from "./layout/themeMode";
import { PAGE_BACKGROUND } from "./theme";

const root = document.getElementById("root");
if (!root) throw new Error("#root element missing from index.html");

// index.html paints the dark background; a light-theme user should not see a dark flash first.
if (storedTheme() === "light") {
  document.body.style.backgroundColor = PAGE_BACKGROUND.light;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", "light");
}

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
