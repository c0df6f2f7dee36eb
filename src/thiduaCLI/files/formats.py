"""Machine-readable output of any read command: JSON, NDJSON, CSV.

Every format carries the same field names (stable, English, numbers with a dot). JSON holds
the whole answer; NDJSON and CSV hold its rows (one object a line, one line a row), with the
rows' scalar fields; a list of plain values is joined with "; ", and nested objects are left
to JSON. What people read (Markdown, text) is :mod:`thiduaCLI.cli.people`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import IO, Any

from thiduaCLI.text.literal import visible
from thiduaCLI.text.numbers import json_number, plain_decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


_CHUNKS_A_WRITE = 65_536


def json_default(value: object) -> object:
    """What JSON has no type for: a Decimal becomes a plain number that reads back to exactly
    the decimal (:func:`~thiduaCLI.text.numbers.json_number`), anything else its text."""
    if isinstance(value, Decimal):
        return json_number(value)
    return str(value)


def write_json(data: object, stream: IO[str]) -> None:
    """Indented UTF-8 JSON with plain numbers, and a line break, written as it is encoded:
    a ranking of 3,000 units is 20 MB of JSON, which :func:`json.dumps` would hold whole, in
    small pieces. Decimals are written as numbers (:func:`json_default`); a float that is not
    finite is refused, never written as ``Infinity`` or ``NaN``."""
    encoder = json.JSONEncoder(ensure_ascii=False, indent=2, default=json_default, allow_nan=False)
    pending: list[str] = []
    for chunk in encoder.iterencode(data):
        pending.append(chunk)
        if len(pending) == _CHUNKS_A_WRITE:
            stream.write("".join(pending))
            pending.clear()
    pending.append("\n")
    stream.write("".join(pending))


def flatten(record: dict[str, Any]) -> dict[str, Any]:
    """The scalar fields of a row; lists of scalars joined with "; "; nested objects dropped."""
    flat: dict[str, Any] = {}
    for name, value in record.items():
        if isinstance(value, list):
            if all(not isinstance(item, dict | list) for item in value):
                flat[name] = "; ".join(str(item) for item in value)
        elif not isinstance(value, dict):
            flat[name] = value
    return flat


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return plain_decimal(value)
    return formula_safe(visible(value)) if isinstance(value, str) else str(value)


def formula_safe(text: str) -> str:
    """Text a spreadsheet shows instead of running: a leading apostrophe before =, +, -, @."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def to_csv(records: Sequence[dict[str, Any]], columns: Sequence[str] = ()) -> str:
    """RFC 4180 CSV, UTF-8, with a header row (empty cell for null); ``columns`` name the
    header when there is no row."""
    rows = [flatten(record) for record in records]
    columns = list(rows[0]) if rows else list(columns)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def to_ndjson(records: Sequence[dict[str, Any]]) -> str:
    """One JSON object a line."""
    return "".join(
        json.dumps(record, ensure_ascii=False, default=json_default, allow_nan=False) + "\n"
        for record in records
    )


def write(
    stream: IO[str],
    fmt: str,
    data: object,
    records: Callable[[], Sequence[dict[str, Any]]],
    columns: Sequence[str] = (),
) -> None:
    """Write the answer in a machine format (``json``, ``ndjson`` or ``csv``); ``records``
    gives its rows, asked for only by the formats made of rows."""
    if fmt == "json":
        write_json(data, stream)
    elif fmt == "ndjson":
        stream.write(to_ndjson(records()))
    else:
        stream.write(to_csv(records(), columns))
