import type { KillSwitchRun, KillSwitchStep } from "../../api/risk";

/**
 * A run's steps grouped into the phases the runner works through (apps/risk/killswitch/runner.py):
 * cancel orders, cancel algo orders, close positions (when asked), sync, verify.
 */

export type PhaseStatus = "pending" | "running" | "done" | "failed" | "skipped";

export interface Phase {
  key: string;
  label: string;
  status: PhaseStatus;
  steps: KillSwitchStep[];
}

const PHASES: { key: string; label: string; kinds: string[]; needsClose?: boolean }[] = [
  { key: "cancel", label: "Cancel orders", kinds: ["plan_cancel", "cancel_spot", "cancel_futures"] },
  { key: "cancel_algo", label: "Cancel algo orders", kinds: ["cancel_algo"] },
  { key: "close", label: "Close positions", kinds: ["plan_close", "close_futures", "sell_spot", "dust"], needsClose: true },
  { key: "sync", label: "Sync orders", kinds: ["sync"] },
  { key: "verify", label: "Verify", kinds: ["verify"] },
];

function phaseStatus(steps: KillSwitchStep[], runDone: boolean, laterStarted: boolean): PhaseStatus {
  if (steps.length === 0) return runDone || laterStarted ? "skipped" : "pending";
  if (steps.some((s) => s.status === "FAILED")) return "failed";
  if (steps.some((s) => s.status === "STARTED" || s.status === "PENDING")) return runDone ? "failed" : "running";
  if (steps.every((s) => s.status === "SKIPPED")) return "skipped";
  return "done";
}

export function runPhases(run: KillSwitchRun): Phase[] {
  const done = run.status === "COMPLETED";
  const wanted = PHASES.filter((p) => !p.needsClose || run.close_positions);
  const grouped = wanted.map((p) => run.steps.filter((s) => p.kinds.includes(s.kind)));
  return wanted.map((p, i) => {
    // A phase with no steps while a later one has begun had nothing to do (no algo orders, say).
    const laterStarted = grouped.slice(i + 1).some((steps) => steps.length > 0);
    return { key: p.key, label: p.label, status: phaseStatus(grouped[i] ?? [], done, laterStarted), steps: grouped[i] ?? [] };
  });
}

export function stepLabel(step: KillSwitchStep): string {
  const where = [step.market, step.symbol].filter(Boolean).join(" ");
  return where ? `${step.kind} · ${where}` : step.kind;
}
