import type { ReactElement } from "react";
import DashboardIcon from "@mui/icons-material/Dashboard";
import CandlestickChartIcon from "@mui/icons-material/CandlestickChart";
import ReceiptLongIcon from "@mui/icons-material/ReceiptLong";
import AccountBalanceWalletIcon from "@mui/icons-material/AccountBalanceWallet";
import ShieldIcon from "@mui/icons-material/Shield";
import MonitorHeartIcon from "@mui/icons-material/MonitorHeart";

export interface NavItem {
  label: string;
  path: string;
  icon: ReactElement;
}

export const NAV_ITEMS: NavItem[] = [
  { label: "Overview", path: "/", icon: <DashboardIcon /> },
  { label: "Markets", path: "/markets", icon: <CandlestickChartIcon /> },
  { label: "Orders", path: "/orders", icon: <ReceiptLongIcon /> },
  { label: "Positions", path: "/positions", icon: <AccountBalanceWalletIcon /> },
  { label: "Risk", path: "/risk", icon: <ShieldIcon /> },
  { label: "System", path: "/system", icon: <MonitorHeartIcon /> },
];
