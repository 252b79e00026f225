"""What an audit event changed, field by field (pure: no Django)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldChange:
    field: str  # "" when before/after are not objects
    before: str  # JSON text, "" when absent
    after: str
    kind: str  # "added" | "removed" | "changed" | "unchanged"


def _text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def field_changes(before: Any, after: Any, *, include_unchanged: bool = False) -> list[FieldChange]:
    """Objects compare key by key (sorted); anything else compares as a whole."""
    if isinstance(before, dict | None) and isinstance(after, dict | None) and (before or after):
        old, new = before or {}, after or {}
        changes = []
        for key in sorted(set(old) | set(new), key=str):
            if key not in old:
                changes.append(FieldChange(str(key), "", _text(new[key]), "added"))
            elif key not in new:
                changes.append(FieldChange(str(key), _text(old[key]), "", "removed"))
            elif old[key] != new[key]:
                changes.append(FieldChange(str(key), _text(old[key]), _text(new[key]), "changed"))
            elif include_unchanged:
                changes.append(FieldChange(str(key), _text(old[key]), _text(new[key]), "unchanged"))
        return changes
    if before is None and after is None:
        return []
    if before == after:
        return [FieldChange("", _text(before), _text(after), "unchanged")] if include_unchanged else []
    kind = "added" if before is None else "removed" if after is None else "changed"
    return [
        FieldChange("", "" if before is None else _text(before), "" if after is None else _text(after), kind)
    ]
