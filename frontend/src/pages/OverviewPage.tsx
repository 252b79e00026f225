import { Card, CardContent, CardHeader, Grid, Typography } from "@mui/material";
import { CandlestickChart } from "../components/CandlestickChart";
import type { Candle } from "../components/chartData";
import { PageHeader } from "../components/PageHeader";
import { useAuth } from "../auth/AuthContext";
import { useReadyz } from "../hooks/useReadyz";
import { failingChecks } from "../api/health";

const NO_CANDLES: Candle[] = [];

export const MARKET_DATA_CAPTION = "Market data arrives with the market-data service";

export function OverviewPage() {
  const { user } = useAuth();
  const readyz = useReadyz();
  const failing = readyz.data ? failingChecks(readyz.data) : [];
  const systemText = readyz.isError
    ? "Health endpoint unreachable."
    : !readyz.data
      ? "Checking…"
      : readyz.data.status === "ok"
        ? "All readiness checks pass."
        : `Failing: ${failing.join(", ")}.`;

  return (
    <>
      <PageHeader title="Overview" subtitle={user ? `Signed in as ${user.username}` : undefined} />
      <Grid container spacing={2}>
        <Grid size={{ xs: 12, lg: 8 }}>
          <Card variant="outlined">
            <CardHeader title="Chart" subheader="Candlesticks" />
            <CardContent>
              <CandlestickChart data={NO_CANDLES} caption={MARKET_DATA_CAPTION} ariaLabel="Price chart" />
            </CardContent>
          </Card>
        </Grid>
        <Grid size={{ xs: 12, lg: 4 }}>
          <Card variant="outlined" sx={{ mb: 2 }}>
            <CardHeader title="System" />
            <CardContent>
              <Typography color="text.secondary">{systemText}</Typography>
            </CardContent>
          </Card>
          <Card variant="outlined">
            <CardHeader title="Account" />
            <CardContent>
              <Typography color="text.secondary">
                Balances, positions and P&amp;L arrive with the account services.
              </Typography>
            </CardContent>
          </Card>
        </Grid>
      </Grid>
    </>
  );
}
