"""The audit chain in the database: its entries appended after each write, and walked by
``thidua verify`` (the rules, what is hashed and how, are :mod:`thiduaCLI.domain.audit`).

The rows an entry covers are read through lightweight tables whose columns carry no type,
so that each value reaches the hash exactly as the database holds it (a date as its stored
text), whatever types the tables give them (storage/tables.py).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, column, func, insert, select, table

from thiduaCLI.domain.audit import (
    FIGURE_FIELDS,
    GENESIS,
    PLAN_VERSION_FIELDS,
    RETRACTION_FIELDS,
    Broken,
    ChainState,
    digest,
)

_TABLES = {
    "figures": table("figure", *(column(name) for name in FIGURE_FIELDS)),
    "retraction": table("retraction", *(column(name) for name in RETRACTION_FIELDS)),
    "plan": table("plan_version", *(column(name) for name in PLAN_VERSION_FIELDS)),
}
_IDS = {"figures": "id", "retraction": "figure_id", "plan": "id"}
_ENTRIES = table(
    "audit_chain",
    *(column(name) for name in ("seq", "kind", "first_id", "last_id", "recorded_at", "digest")),
)


def rows_of(conn: Connection, kind: str, first: int, last: int) -> list[Sequence[Any]]:
    """What an entry covers, as stored now, in id order."""
    covered = _TABLES[kind]
    key = covered.c[_IDS[kind]]
    query = select(*covered.c).where(key.between(first, last)).order_by(key)
    return [tuple(row) for row in conn.execute(query)]


def head(conn: Connection) -> str:
    """The digest of the last entry (the chain's head), or :data:`GENESIS`."""
    query = select(_ENTRIES.c.digest).order_by(_ENTRIES.c.seq.desc()).limit(1)
    found = conn.execute(query).scalar()
    return GENESIS if found is None else str(found)


def append(conn: Connection, kind: str, first: int, last: int, at: str) -> None:
    """Add the entry for rows ``first``..``last`` of ``kind``, as stored (the caller holds
    the write lock)."""
    append_rows(conn, kind, first, last, rows_of(conn, kind, first, last), at)


def append_rows(
    conn: Connection,
    kind: str,
    first: int,
    last: int,
    rows: Iterable[Sequence[object]],
    at: str,
) -> None:
    """Add the entry for ``rows``, the rows ``first``..``last`` of ``kind`` just written, in
    table order with the values stored (an import hashes what it inserted without reading it
    back)."""
    hashed_aside(conn, kind, first, last, rows).append(conn, at)


# From how many rows an entry is hashed in a thread of its own (a report's one row is not).
_ASIDE_FROM = 1_000


class Hashing:
    """An entry's digest being worked out beside the caller's next statements: hashing an
    import's 100,000 rows holds the interpreter for half a second, while SQLite or the server
    adds them to their months without it (measured in bench/run.py: the import's time less
    the hash). :meth:`append` waits for it and adds the entry."""

    def __init__(self, kind: str, first: int, last: int, work: Callable[[], str]) -> None:
        self.kind, self.first, self.last = kind, first, last
        self._digest: str | None = None
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        if last - first + 1 < _ASIDE_FROM:
            self._digest = work()
            return

        def run() -> None:
            try:
                self._digest = work()
            except BaseException as failure:  # raised again in the caller's thread
                self._failure = failure

        self._thread = threading.Thread(target=run, name="thidua-audit-hash", daemon=True)
        self._thread.start()

    def append(self, conn: Connection, at: str) -> None:
        """Add the entry (recorded ``at``) once its digest is known."""
        if self._thread is not None:
            self._thread.join()
        if self._failure is not None:
            raise self._failure
        conn.execute(
            insert(_ENTRIES).values(
                kind=self.kind,
                first_id=self.first,
                last_id=self.last,
                recorded_at=at,
                digest=self._digest,
            )
        )


def hashed_aside(
    conn: Connection, kind: str, first: int, last: int, rows: Iterable[Sequence[object]]
) -> Hashing:
    """Start hashing the entry for ``rows`` (as :func:`append_rows`) after the chain's head
    as it is now: the caller holds the write lock until :meth:`Hashing.append`, so no other
    entry comes between. ``rows`` must not change meanwhile."""
    previous = head(conn)
    return Hashing(kind, first, last, lambda: digest(previous, kind, first, last, rows))


def walk(conn: Connection) -> ChainState:
    """Recompute every entry in order, then look for rows no entry covers."""
    previous = GENESIS
    counts = {"figures": 0, "retraction": 0, "plan": 0}
    ranges: dict[str, list[tuple[int, int]]] = {kind: [] for kind in counts}
    entries = 0
    broken: Broken | None = None
    listed = select(
        _ENTRIES.c.seq,
        _ENTRIES.c.kind,
        _ENTRIES.c.first_id,
        _ENTRIES.c.last_id,
        _ENTRIES.c.digest,
    ).order_by(_ENTRIES.c.seq)
    for seq, kind, first, last, stored in conn.execute(listed).all():
        entries += 1
        if kind not in _TABLES:
            broken = broken or Broken(seq, kind, first, last, "changed")
            continue
        rows = rows_of(conn, kind, first, last)
        counts[kind] += len(rows)
        ranges[kind].append((first, last))
        if broken is None and digest(previous, kind, first, last, rows) != stored:
            broken = Broken(seq, kind, first, last, "changed")
        previous = stored
    if broken is None:
        broken = _unchained(conn, ranges)
    return ChainState(
        entries, counts["figures"], counts["retraction"], counts["plan"], previous, broken
    )


def _unchained(conn: Connection, ranges: dict[str, list[tuple[int, int]]]) -> Broken | None:
    """The first row no entry covers (added with another program), if any."""
    for kind, name in _IDS.items():
        key = _TABLES[kind].c[name]
        spans = sorted(ranges[kind])
        index = 0
        for (row_id,) in conn.execute(select(key).order_by(key)):
            while index < len(spans) and spans[index][1] < row_id:
                index += 1
            if index == len(spans) or row_id < spans[index][0]:
                return Broken(None, kind, row_id, row_id, "unchained")
    return None


def span(conn: Connection, kind: str) -> tuple[int | None, int | None]:
    """The lowest and highest id of ``kind`` stored."""
    key = _TABLES[kind].c[_IDS[kind]]
    low, high = conn.execute(select(func.min(key), func.max(key))).one()
    return low, high
