import { Alert, Collapse } from "@mui/material";
import { useNow, useRealtimeStatus } from "./hooks";

const RESTORED_VISIBLE_MS = 5_000;

/**
 * Under the top bar: says so while either live connection is down (with the real countdown to
 * the next attempt), and briefly confirms when both are back and the data has been refetched.
 */
export function RealtimeBanner() {
  const status = useRealtimeStatus();
  const now = useNow(500);
  const offline = status.market === "offline" || status.account === "offline";

  let content: { severity: "warning" | "success"; text: string } | null = null;
  if (offline) {
    const retries = [status.marketRetryAt, status.accountRetryAt].filter((t): t is number => t !== null);
    const next = retries.length > 0 ? Math.min(...retries) : null;
    const seconds = next === null ? null : Math.max(0, Math.ceil((next - now) / 1000));
    const which =
      status.market === "offline" && status.account === "offline"
        ? ""
        : status.market === "offline"
          ? " (market data)"
          : " (account updates)";
    content = {
      severity: "warning",
      text:
        seconds === null || seconds === 0
          ? `Reconnecting to live data${which}…`
          : `Reconnecting to live data${which}… retrying in ${seconds} s`,
    };
  } else if (status.recoveredAt !== null && now - status.recoveredAt < RESTORED_VISIBLE_MS) {
    content = { severity: "success", text: "Live data restored — refreshed" };
  }

  return (
    <Collapse in={content !== null} unmountOnExit>
      {content && (
        <Alert
          data-testid="realtime-banner"
          data-severity={content.severity}
          severity={content.severity}
          variant="filled"
          role={content.severity === "warning" ? "alert" : "status"}
          sx={{ borderRadius: 0, py: 0, alignItems: "center" }}
        >
          {content.text}
        </Alert>
      )}
    </Collapse>
  );
}
