import { Paper, Typography } from "@mui/material";
import { PageHeader } from "../components/PageHeader";

/** A page whose content arrives with a later issue. */
export function PlaceholderPage({ title, description }: { title: string; description: string }) {
  return (
    <>
      <PageHeader title={title} />
      <Paper variant="outlined" sx={{ p: 3 }}>
        <Typography color="text.secondary">{description}</Typography>
      </Paper>
    </>
  );
}

export const MarketsPage = () => (
  <PlaceholderPage
    title="Markets"
    description="Market watch will appear here: symbols with live prices, 24h change and volume, order books and charts."
  />
);

export const OrdersPage = () => (
  <PlaceholderPage
    title="Orders"
    description="The order ticket and your open and historical orders, with fills and status changes, will appear here."
  />
);

export const PositionsPage = () => (
  <PlaceholderPage
    title="Positions"
    description="Balances and open positions with realized and unrealized P&L will appear here."
  />
);

export const RiskPage = () => (
  <PlaceholderPage
    title="Risk"
    description="Risk limits, the trading state (active, reduce-only, halted) and the kill switch will appear here."
  />
);
