import { Navigate, Route, Routes } from "react-router-dom";
import { RequireAuth } from "./auth/RequireAuth";
import { AppShell } from "./layout/AppShell";
import { LoginPage } from "./pages/LoginPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { AlertsPage } from "./pages/alerts/AlertsPage";
import { OrdersPage } from "./pages/orders/OrdersPage";
import { PortfolioPage } from "./pages/portfolio/PortfolioPage";
import { PositionsPage } from "./pages/positions/PositionsPage";
import { RiskPage } from "./pages/risk/RiskPage";
import { SystemPage } from "./pages/system/SystemPage";
import { TradePage } from "./pages/trade/TradePage";

export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route
        element={
          <RequireAuth>
            <AppShell />
          </RequireAuth>
        }
      >
        <Route index element={<Navigate to="/trade" replace />} />
        <Route path="trade" element={<TradePage />} />
        <Route path="trade/:market/:symbol" element={<TradePage />} />
        <Route path="portfolio" element={<PortfolioPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="orders/:orderId" element={<OrdersPage />} />
        <Route path="positions" element={<PositionsPage />} />
        <Route path="risk" element={<RiskPage />} />
        <Route path="alerts" element={<AlertsPage />} />
        <Route path="system" element={<SystemPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
