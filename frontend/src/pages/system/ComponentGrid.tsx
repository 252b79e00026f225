import { Box, Chip, Paper, Stack, Tooltip, Typography } from "@mui/material";
import type { ComponentState, StatusComponent } from "../../api/status";
import { ageLabel } from "../../realtime";

const STATE_COLOR: Record<ComponentState, "success" | "warning" | "error"> = {
  ok: "success",
  degraded: "warning",
  down: "error",
};

const ORDER: Record<ComponentState, number> = { down: 0, degraded: 1, ok: 2 };

/** One card per component, the worst first; each shows its state, message and how long it has held. */
export function ComponentGrid({ components, now }: { components: StatusComponent[]; now: number }) {
  const sorted = [...components].sort((a, b) => (ORDER[a.state] ?? 3) - (ORDER[b.state] ?? 3) || a.name.localeCompare(b.name));
  return (
    <Box
      data-testid="system-components"
      sx={{ display: "grid", gap: 1, gridTemplateColumns: "repeat(auto-fill, minmax(220px, 1fr))" }}
    >
      {sorted.map((c) => {
        const color = STATE_COLOR[c.state] ?? "warning";
        const since = Date.parse(c.since);
        return (
          <Paper
            key={c.name}
            variant="outlined"
            data-testid={`component-${c.name}`}
            data-state={c.state}
            sx={{ p: 1.25, borderLeft: 4, borderLeftColor: `${color}.main` }}
          >
            <Stack direction="row" sx={{ justifyContent: "space-between", alignItems: "center", gap: 1 }}>
              <Typography variant="body2" sx={{ fontFamily: "monospace", fontWeight: 600 }}>
                {c.name}
              </Typography>
              <Chip size="small" color={color} label={c.state} />
            </Stack>
            <Tooltip describeChild title={c.message}>
              <Typography
                variant="caption"
                component="div"
                sx={{ mt: 0.5, color: c.state === "ok" ? "text.secondary" : `${color}.main`, overflow: "hidden", textOverflow: "ellipsis", whiteSpace: "nowrap" }}
              >
                {c.message || "—"}
              </Typography>
            </Tooltip>
            <Typography variant="caption" color="text.secondary" title={Number.isNaN(since) ? undefined : new Date(since).toLocaleString()}>
              {c.state} for {Number.isNaN(since) ? "—" : ageLabel(now - since)}
            </Typography>
          </Paper>
        );
      })}
      {components.length === 0 && <Typography color="text.secondary">No components reported.</Typography>}
    </Box>
  );
}
