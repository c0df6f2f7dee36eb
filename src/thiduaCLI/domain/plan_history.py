"""Plan versions: every load that changed a plan is kept, and what changed is listed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from thiduaCLI.domain.plan import Plan


def plan_document(plan: Plan) -> str:
    """A plan as a plan version stores it: the whole plan, units included, as JSON."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class PlanVersion:
    """One stored version of a year's plan."""

    id: int
    year: int
    loaded_at: str  # UTC, as stored
    loaded_by: str
    source: str
    document: str

    def plan(self) -> Plan:
        return Plan.model_validate_json(self.document)


@dataclass(frozen=True)
class PlanChange:
    """One field that a version changed: where, and its value before and after (None: the
    field was not there)."""

    version: PlanVersion
    field: str | None  # None: the first version of the year (everything loaded)
    before: Any
    after: Any


def changes(versions: list[PlanVersion]) -> list[PlanChange]:
    """Each version's changes against the one before it, newest version first."""
    found: list[PlanChange] = []
    earlier: dict[str, Any] | None = None
    for version in sorted(versions, key=lambda v: v.id):
        now = _flatten(json.loads(version.document))
        if earlier is None:
            listed = [PlanChange(version, None, None, None)]
        else:
            listed = [
                PlanChange(version, field, earlier.get(field), now.get(field))
                for field in _ordered(earlier, now)
                if earlier.get(field, _MISSING) != now.get(field, _MISSING)
            ]
        found = listed + found
        earlier = now
    return found


_MISSING = object()


def _ordered(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The fields of both, in the order the newer document has them, then the removed ones."""
    return list(after) + [field for field in before if field not in after]


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """``{"indicators.VIEC_LAM.target": 1400, ...}``; a list is one value."""
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    return {prefix: value}
