"""The read commands' answers for people outside the terminal: Markdown and plain text.

``--format markdown`` and ``--format text`` print what the table shows, from the same Rich
renderables, so that a mail from cron reads like the screen: the reader's language in the
headings, numbers in the ward's format, states and periods in words. Only the layout differs:

- Markdown: each table's title as a heading, a GitHub table (numbers aligned right), its
  caption in italics; every cell's Markdown characters escaped, so a name is shown as written.
- Text (plain mail, where a proportional font breaks any aligned table): each table's title
  underlined, then each row as a block of ``Heading: value`` lines, a blank line between rows.

Machines read ``json``, ``ndjson`` and ``csv`` instead (:mod:`thiduaCLI.files.formats`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO

from rich.console import Group
from rich.table import Table
from rich.text import Text

from thiduaCLI.text.literal import visible

# What Markdown would read as markup rather than text, anywhere in a line and at its start:
# escaped with a backslash.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MARKDOWN_START = re.compile(r"^([#+=-])")
_MARKDOWN_NUMBERED = re.compile(r"^(\d+)([.)])")


@dataclass
class Grid:
    """A table as people read it: its title, headings, rows of texts and caption."""

    title: str
    headings: list[str]
    right: list[bool]
    rows: list[list[str]] = field(default_factory=list)
    caption: str = ""


def plain(item: object) -> str:
    """The text of a cell, a title or a line: what the terminal would show, without style."""
    if item is None:
        return ""
    if isinstance(item, Text):
        return item.plain
    if isinstance(item, Group):
        return "\n".join(plain(part) for part in item.renderables)
    return str(item)


def _grid(table: Table) -> Grid:
    title = getattr(table, "_title_text", table.title)
    caption = getattr(table, "_caption_text", table.caption)
    grid = Grid(
        title=plain(title),
        headings=[plain(column.header).replace("\n", " / ") for column in table.columns],
        right=[column.justify == "right" for column in table.columns],
        caption=plain(caption),
    )
    cells = [[plain(cell) for cell in column.cells] for column in table.columns]
    grid.rows = [list(row) for row in zip(*cells, strict=True)]
    return grid


def parts(shown: object) -> Iterator[Grid | str]:
    """The tables (as :class:`Grid`) and lines of prose of what a read command shows."""
    if isinstance(shown, list | tuple):
        for item in shown:
            yield from parts(item)
    elif isinstance(shown, Table):
        yield _grid(shown)
    elif isinstance(shown, Group):
        for item in shown.renderables:
            yield from parts(item)
    else:
        yield plain(shown)


def markdown_text(text: str) -> str:
    """Text shown literally in Markdown: control characters visible, markup escaped, its lines
    (the empty ones left out) joined by ``<br>``."""
    lines = [line.strip() for line in visible(text, newlines=True).split("\n")]
    escaped = (
        _MARKDOWN_NUMBERED.sub(
            r"\1\\\2", _MARKDOWN_START.sub(r"\\\1", _MARKDOWN_SPECIAL.sub(r"\\\1", line))
        )
        for line in lines
        if line
    )
    return "<br>".join(escaped)


def to_markdown(shown: object) -> str:
    """What a read command shows, as Markdown."""
    out: list[str] = []
    for part in parts(shown):
        if isinstance(part, str):
            out += [markdown_text(part), ""]
            continue
        if part.title:
            out += ["### " + markdown_text(part.title).replace("<br>", " – "), ""]
        out.append(_markdown_row(part.headings))
        out.append("| " + " | ".join("---:" if r else "---" for r in part.right) + " |")
        out += [_markdown_row(row) for row in part.rows]
        out.append("")
        if part.caption:
            out += ["_" + markdown_text(part.caption) + "_", ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _markdown_row(cells: Iterable[str]) -> str:
    return "| " + " | ".join(markdown_text(cell) for cell in cells) + " |"


def to_text(shown: object) -> str:
    """What a read command shows, as plain text for mail: each row a block of lines."""
    out: list[str] = []
    for part in parts(shown):
        if isinstance(part, str):
            out += [*_lines(part), ""]
            continue
        if part.title:
            title = _lines(part.title)
            out += [*title, "=" * max(map(len, title)), ""]
        for row in part.rows:
            for heading, cell in zip(part.headings, row, strict=True):
                first, *more = _lines(cell) or [""]
                if first:
                    out.append(f"{visible(heading)}: {first}")
                    out += ["  " + line for line in more]
            out.append("")
        if part.caption:
            out += [*_lines(part.caption), ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, stripped, control characters made visible."""
    return [visible(line.strip()) for line in text.split("\n") if line.strip()]


def write(stream: IO[str], fmt: str, shown: object) -> None:
    """Write ``shown`` (a read command's renderables) in a people format."""
    stream.write(to_markdown(shown) if fmt == "markdown" else to_text(shown))
