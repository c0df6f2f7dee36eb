"""The audit chain's rules (pure; its queries are :mod:`thiduaCLI.storage.chain`): every
stored figure, correction, retraction and plan version is an entry of one hash chain, as a
transparency log keeps one, and ``thidua verify`` checks it.

Each entry's digest is SHA-256 over the digest of the entry before it and the canonical text
of what it covers (:func:`canonical_number` is the one place a number becomes text): a figure
or a retraction edited, deleted or added with another program, or a plan changed behind
thidua's back, no longer matches, and ``verify`` names the first entry that does not. A
report or a correction is one entry for its figure, an import one entry for all the figures
it added (ids ``first_id``..``last_id``), a retraction one entry, a plan version one entry.

The chain has no secret: someone who rewrites the whole file and recomputes every digest is
not caught by the file alone. ``verify`` prints the last digest (the chain's head); written
down elsewhere (the minutes of a review meeting, a mail), it pins everything before it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

GENESIS = "0" * 64  # what the first entry follows

FIGURE_FIELDS = (
    "id",
    "year",
    "unit",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "reported_total",
    "ref_date",
    "recorded_at",
    "recorded_by",
    "note",
    "origin",
    "supersedes",
    "key",
    "whole",  # the value as whole units and billionths, which SQL adds (exact.py)
    "nano",
    "filed_at",  # when its content first came in: lateness is judged on it (calendar.py)
)
RETRACTION_FIELDS = ("figure_id", "reason", "retracted_at", "retracted_by")
PLAN_VERSION_FIELDS = ("id", "year", "loaded_at", "loaded_by", "source", "document")


def canonical_number(value: object) -> object:
    """A stored number as the chain hashes it: its plain decimal text, the same whatever type
    holds it (the float 3.0 and the Decimal 3.00 are both ``"3"``; 0.1 is ``"0.1"``, from the
    float's ``repr``). The one place a number becomes text: values may move from REAL to
    Decimal without a digest changing."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, Decimal):
        number = value
    else:
        number = Decimal(int(value))  # type: ignore[call-overload]
    text = format(number.normalize(), "f")
    return "0" if text == "-0" else text


# The columns of each kind that hold numbers, side by side: (first, after the last).
_NUMBERS = {
    "figures": (FIGURE_FIELDS.index("value"), FIGURE_FIELDS.index("reported_total") + 1),
    "retraction": (0, 0),
    "plan": (0, 0),
}
assert FIGURE_FIELDS[slice(*_NUMBERS["figures"])] == (
    "value",
    "numerator",
    "denominator",
    "reported_total",
)


def canonical_rows(kind: str, rows: Iterable[Sequence[object]]) -> str:
    """Rows of an entry as one text: a JSON list of each row's fields in table order, numbers
    by :func:`canonical_number`, texts exactly as stored."""
    first, after = _NUMBERS[kind]
    if first == after:
        shown = [list(row) for row in rows]
    else:
        # an import repeats its values; equal numbers have one text whatever their type
        number = lru_cache(maxsize=4096)(canonical_number)
        shown = [[*row[:first], *map(number, row[first:after]), *row[after:]] for row in rows]
    return json.dumps(shown, ensure_ascii=False, separators=(",", ":"))


def digest(
    previous: str, kind: str, first: int, last: int, rows: Iterable[Sequence[object]]
) -> str:
    """The digest of an entry: the one before it, what the entry is, and its rows."""
    text = f"{previous}\n{kind} {first} {last}\n{canonical_rows(kind, rows)}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Broken:
    """The first entry that does not hold, and what is wrong with it."""

    seq: int | None
    kind: str
    first: int
    last: int
    problem: str  # "changed", "unchained"


@dataclass(frozen=True)
class ChainState:
    """What the walk found: entries, what they cover, the head, the first broken entry."""

    entries: int
    figures: int
    retractions: int
    versions: int
    head: str
    broken: Broken | None
