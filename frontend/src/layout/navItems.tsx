import type { ReactElement } from "react";
import CandlestickChartIcon from "@mui/icons-material/CandlestickChart";
import PieChartIcon from "@mui/icons-material/PieChart";
import ReceiptLongIcon from "@mui/icons-material/ReceiptLong";
import AccountBalanceWalletIcon from "@mui/icons-material/AccountBalanceWallet";
import ShieldIcon from "@mui/icons-material/Shield";
import NotificationsIcon from "@mui/icons-material/Notifications";
import MonitorHeartIcon from "@mui/icons-material/MonitorHeart";

export interface NavItem {
  label: string;
  path: string;
  icon: ReactElement;
}

export const NAV_ITEMS: NavItem[] = [
  { label: "Trade", path: "/trade", icon: <CandlestickChartIcon /> },
  { label: "Portfolio", path: "/portfolio", icon: <PieChartIcon /> },
  { label: "Orders", path: "/orders", icon: <ReceiptLongIcon /> },
  { label: "Positions", path: "/positions", icon: <AccountBalanceWalletIcon /> },
  { label: "Risk", path: "/risk", icon: <ShieldIcon /> },
  { label: "Alerts", path: "/alerts", icon: <NotificationsIcon /> },
  { label: "System", path: "/system", icon: <MonitorHeartIcon /> },
];
