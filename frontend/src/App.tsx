import { useState, type ReactNode } from "react";
import { BrowserRouter } from "react-router-dom";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createQueryClient } from "./api/queryClient";
import { AuthProvider } from "./auth/AuthProvider";
import { AppRoutes } from "./AppRoutes";
import { ThemeModeProvider } from "./layout/ThemeModeProvider";
import { RealtimeProvider } from "./realtime";

/**
 * Providers shared by the app and the tests (which pass their own router and client). The live
 * sockets open only once someone is logged in, and close on logout.
 */
export function AppProviders({ children, queryClient }: { children: ReactNode; queryClient: QueryClient }) {
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <ThemeModeProvider>
          <RealtimeProvider>{children}</RealtimeProvider>
        </ThemeModeProvider>
      </AuthProvider>
    </QueryClientProvider>
  );
}

export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <BrowserRouter>
      <AppProviders queryClient={queryClient}>
        <AppRoutes />
      </AppProviders>
    </BrowserRouter>
  );
}
