"""thidua: the emulation officer's tool for a ward's yearly emulation movement.

The public API, loaded when first used (so that ``thidua --help`` loads no database code)::

    from thiduaCLI import open_ledger

    with open_ledger("thidua.sqlite3") as ledger:
        print(ledger.status().model_dump(mode="json"))

``open_ledger`` and ``Ledger`` (:mod:`thiduaCLI.ledger`), ``Plan`` and ``load_plan`` (the
plan file), the result models (:mod:`thiduaCLI.results`), the errors
(:mod:`thiduaCLI.errors`) and ``Period`` / ``parse_period`` (review periods).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> the module that defines it
_EXPORTS = {
    "open_ledger": "thiduaCLI.ledger",
    "Ledger": "thiduaCLI.ledger",
    "ImportRefused": "thiduaCLI.ledger",
    "Plan": "thiduaCLI.domain.plan",
    "load_plan": "thiduaCLI.domain.plan_file",
    "Period": "thiduaCLI.domain.periods",
    "parse_period": "thiduaCLI.domain.periods",
    "ThiduaError": "thiduaCLI.errors",
    "PlanError": "thiduaCLI.errors",
    "InputError": "thiduaCLI.errors",
    "LookupFailed": "thiduaCLI.errors",
    "StoreError": "thiduaCLI.errors",
    "UsageProblem": "thiduaCLI.errors",
    "results": "thiduaCLI.results",
}

__all__ = [
    "ImportRefused",
    "InputError",
    "Ledger",
    "LookupFailed",
    "Period",
    "Plan",
    "PlanError",
    "StoreError",
    "ThiduaError",
    "UsageProblem",
    "__version__",
    "load_plan",
    "open_ledger",
    "parse_period",
    "results",
]

if TYPE_CHECKING:
    from thiduaCLI import results
    from thiduaCLI.domain.periods import Period, parse_period
    from thiduaCLI.domain.plan import Plan
    from thiduaCLI.domain.plan_file import load_plan
    from thiduaCLI.errors import (
        InputError,
        LookupFailed,
        PlanError,
        StoreError,
        ThiduaError,
        UsageProblem,
    )
    from thiduaCLI.ledger import ImportRefused, Ledger, open_ledger


def __getattr__(name: str) -> Any:
    """Import an exported name's module the first time the name is asked for."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'thiduaCLI' has no attribute {name!r}")
    value = import_module(module) if name == "results" else getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
