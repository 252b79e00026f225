import { cloneElement, createElement, Fragment, isValidElement, type ReactElement, type ReactNode } from "react";
import { Tooltip } from "@mui/material";
import { hasRole, useAuth } from "./AuthContext";

// The server enforces roles on every request; these only keep viewers from reaching controls
// whose request would be refused.

export const VIEWER_CANNOT_TRADE = "Viewers can't trade";
export const VIEWER_CANNOT_CHANGE = "Viewers can't change settings";

/** Trader or admin (superusers included). */
export function useCanTrade(): boolean {
  const { user } = useAuth();
  return hasRole(user, "trader");
}

export function useIsAdmin(): boolean {
  const { user } = useAuth();
  return hasRole(user, "admin");
}

export interface TradeGuardProps {
  /** One control (button, switch, input…); it receives `disabled` when not allowed. */
  children: ReactNode;
  /** Tooltip on the disabled control; defaults to "Viewers can't trade". */
  reason?: string;
  /** Override the trader check (e.g. admin-only controls pass `useIsAdmin()`). */
  allowed?: boolean;
  /** Remove the control instead of disabling it. */
  hide?: boolean;
}

/**
 * Renders its control as is for traders; for viewers the control is disabled and a tooltip says
 * why. The wrapper span is focusable because a disabled button can neither be focused nor show a
 * tooltip on hover.
 */
export function TradeGuard({ children, reason = VIEWER_CANNOT_TRADE, allowed, hide = false }: TradeGuardProps): ReactElement | null {
  const canTrade = useCanTrade();
  if (allowed ?? canTrade) return createElement(Fragment, null, children);
  if (hide) return null;
  const control = isValidElement<{ disabled?: boolean }>(children)
    ? cloneElement(children, { disabled: true })
    : children;
  const anchor = createElement(
    "span",
    { tabIndex: 0, "data-guarded": "true", style: { display: "inline-flex" } },
    control,
  );
  return createElement(Tooltip, { title: reason, describeChild: true, children: anchor });
}
