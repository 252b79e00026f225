import { useEffect } from "react";
import { useNavigate } from "react-router-dom";
import { NAV_ITEMS } from "./navItems";

export interface Shortcut {
  keys: string;
  description: string;
}

/** What the "?" dialog lists; `useGlobalShortcuts` implements exactly these. */
export const SHORTCUTS: Shortcut[] = [
  { keys: "?", description: "Show this list" },
  { keys: "[", description: "Collapse or expand the side navigation" },
  ...NAV_ITEMS.map((item, i) => ({ keys: `Alt+${i + 1}`, description: `Go to ${item.label}` })),
  { keys: "Tab / Shift+Tab", description: "Move between controls; the first Tab offers “Skip to content”" },
  { keys: "Esc", description: "Close a dialog, menu or drawer" },
];

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  const tag = target.tagName;
  return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
}

/** Page-wide keys; ignored while the user types in a field so they never steal a character. */
export function useGlobalShortcuts({ onHelp, onToggleNav }: { onHelp: () => void; onToggleNav: () => void }) {
  const navigate = useNavigate();
  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (event.defaultPrevented || typingInto(event.target)) return;
      if (event.altKey && !event.ctrlKey && !event.metaKey) {
        // event.code: Alt+digit produces other characters on some layouts (macOS).
        const match = /^Digit([1-9])$/.exec(event.code);
        const item = match ? NAV_ITEMS[Number(match[1]) - 1] : undefined;
        if (item) {
          event.preventDefault();
          navigate(item.path);
        }
        return;
      }
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      if (event.key === "?") {
        event.preventDefault();
        onHelp();
      } else if (event.key === "[") {
        event.preventDefault();
        onToggleNav();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate, onHelp, onToggleNav]);
}
