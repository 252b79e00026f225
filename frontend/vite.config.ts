/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Django (daphne) in development. Override with TRADER_BACKEND_URL if it runs elsewhere.
const backend = process.env.TRADER_BACKEND_URL ?? "http://127.0.0.1:8000";

const proxied = (ws = false) => ({ target: backend, changeOrigin: false, ws });

export default defineConfig(({ command }) => ({
  // Django serves the built files through whitenoise under /static/ (index.html for "/" and
  // every client-side route, assets at /static/assets/...). The dev server serves from "/".
  base: command === "build" ? "/static/" : "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // No public source maps: the built bundle is all a browser needs.
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      "/api": proxied(),
      "/admin": proxied(),
      "/readyz": proxied(),
      "/healthz": proxied(),
      "/static": proxied(),
      "/ws": proxied(true),
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
    restoreMocks: true,
    include: ["src/**/*.test.{ts,tsx}"],
  },
}));
