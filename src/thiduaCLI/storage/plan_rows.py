"""A plan as the database holds it: the plan without its units as one JSON document, and
each unit as a row of its own, read back only when asked for.

A province's plan has thousands of units, and validating them all costs ``thidua report``
more than the rest of its work; a report names one unit, so a stored plan's units are
validated one by one as they are read, or all at once when a command reads them all.
"""

from __future__ import annotations

import json
from collections.abc import ItemsView, Iterator, Mapping, ValuesView

from pydantic import TypeAdapter, ValidationError

from thiduaCLI.domain.plan import Plan, Unit
from thiduaCLI.errors import StoreError

# One unit's row: code, position in the plan, name, and the unit as JSON.
UnitRow = tuple[str, int, str, str]

_EVERY_UNIT = TypeAdapter(dict[str, Unit])


def header_document(plan: Plan) -> str:
    """The plan without its units, as JSON."""
    return plan.model_copy(update={"units": {}}).model_dump_json()


def unit_rows(plan: Plan) -> list[UnitRow]:
    """Each unit of the plan as a row, in plan order."""
    return [
        (code, position, unit.name, unit.model_dump_json())
        for position, (code, unit) in enumerate(plan.units.items())
    ]


def read_plan(header: str, rows: list[UnitRow], unreadable: str) -> Plan:
    """The plan stored as ``header`` and ``rows`` (in plan order); its units are validated
    when first read. A document that does not validate raises :class:`StoreError` with the
    ``unreadable`` message, now or when the unit is read."""
    try:
        plan = Plan.model_validate_json(header)
    except ValidationError:
        raise StoreError(unreadable) from None
    if plan.units and not rows:  # a document whose units no upgrade could move out
        return plan
    return plan.model_copy(update={"units": StoredUnits(rows, unreadable)})


class StoredUnits(Mapping[str, Unit]):
    """A stored plan's units by code, in plan order, each validated when first read."""

    def __init__(self, rows: list[UnitRow], unreadable: str) -> None:
        self._documents = {code: document for code, _, _, document in rows}
        self.names = {code: name for code, _, name, _ in rows}
        self._units: dict[str, Unit] = {}
        self._unreadable = unreadable

    def __getitem__(self, code: str) -> Unit:
        unit = self._units.get(code)
        if unit is None:
            document = self._documents[code]  # KeyError for an unknown code, as a dict
            try:
                unit = self._units[code] = Unit.model_validate_json(document)
            except ValidationError:
                raise StoreError(self._unreadable) from None
        return unit

    def __iter__(self) -> Iterator[str]:
        return iter(self._documents)

    def __len__(self) -> int:
        return len(self._documents)

    def __contains__(self, code: object) -> bool:
        return code in self._documents

    def values(self) -> ValuesView[Unit]:
        return self._every().values()

    def items(self) -> ItemsView[str, Unit]:
        return self._every().items()

    def __repr__(self) -> str:
        return f"StoredUnits({list(self._documents)!r})"

    def _every(self) -> dict[str, Unit]:
        """Every unit in plan order, validated in one pass when some are not yet."""
        if len(self._units) < len(self._documents):
            text = ",".join(f"{json.dumps(code)}:{doc}" for code, doc in self._documents.items())
            try:
                self._units = _EVERY_UNIT.validate_json(f"{{{text}}}")
            except ValidationError:
                raise StoreError(self._unreadable) from None
        elif list(self._units) != list(self._documents):  # all read one by one, in any order
            self._units = {code: self._units[code] for code in self._documents}
        return self._units


def unit_names(plan: Plan) -> Mapping[str, str]:
    """Each unit's name by code, without validating a stored plan's units."""
    if isinstance(plan.units, StoredUnits):
        return plan.units.names
    return {code: unit.name for code, unit in plan.units.items()}
