"""A Rich table that lays out thousands of plain-text rows fast, exactly as Rich would.

Rich measures and renders every cell through its general machinery (markup, styles,
segments): for a ranking of 3,000 units in 102 tables that takes seconds. When every body
cell is plain text and the table has no per-row or per-column style, :class:`QuickTable`
gets the same result another way: it measures each column by its widest cell only, lets
Rich render the title, the header and the caption, and lays out the body rows with Rich's
own wrapping rules (:func:`rich._wrap.divide_line`, :func:`rich.cells.set_cell_size`).
Anything else goes through Rich unchanged. ``tests/test_quicktable.py`` checks that both
ways print the same.

Four names here are Rich's private ones: the ``Table._calculate_column_widths`` and
``Table._render`` this class overrides (and calls), ``rich._wrap.divide_line``, and the list
of a column's cells (``Column._cells``) that a plain row is appended to. Rich is
pinned below its next major version in ``pyproject.toml``, and ``tests/test_contracts.py``
fails, naming the one that changed, if any of them goes or takes other arguments. Everything
else is Rich's public API (``Column.cells``, ``Column.copy``, ``Table.add_row``,
:func:`rich.cells.get_character_cell_size`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from copy import copy
from itertools import pairwise
from typing import Any, cast

from rich.cells import cell_len, get_character_cell_size, set_cell_size
from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.errors import StyleSyntaxError
from rich.segment import Segment
from rich.style import Style, StyleType
from rich.table import Column, Row, Table
from rich.text import Text

from thiduaCLI.text.literal import has_hidden, visible

# Rich's own line breaking: a private helper (see the module's docstring), so a Rich without
# it gets plain Rich tables.
_divide_line: Callable[[str, int, bool], list[int]] | None
try:
    from rich._wrap import divide_line as _divide_line
except ImportError:  # pragma: no cover - depends on the installed Rich
    _divide_line = None

# What Rich would read differently from the plain text: markup, emoji codes and control
# characters other than the line break ("\n": a cell of several lines, each wrapped alone).
_NOT_PLAIN = re.compile(r"[\[:\x00-\x09\x0b-\x1f\x7f\x85\u2028\u2029]")
_TRAILING_SPACE = re.compile(r"\s+$")

# Characters one cell wide, each measured once by Rich (:func:`rich.cells.get_character_cell_size`):
# Latin with the Vietnamese letters such as "ệ" (U+1EC7), Greek and Cyrillic, and the dashes,
# arrows and box lines a ranking prints. A text made of them only is as wide as it is long.
_ONE_CELL = frozenset(
    character
    for first, last in (
        (0x20, 0x7E),
        (0xA0, 0x2FF),
        (0x370, 0x482),
        (0x1E00, 0x1EFF),
        (0x2010, 0x2026),
        (0x2190, 0x21FF),
        (0x2500, 0x25FC),
    )
    for character in map(chr, range(first, last + 1))
    if get_character_cell_size(character) == 1
)
_all_one_cell = _ONE_CELL.issuperset


def _cell_len(text: str) -> int:
    """:func:`rich.cells.cell_len`, at once for the texts of a ranking."""
    return len(text) if _all_one_cell(text) else cell_len(text)


_all_one_cell_or_break = _ONE_CELL.union("\n").issuperset


def _line_len(text: str) -> int:
    """How wide a cell is: its widest line."""
    if "\n" in text:
        lines = text.split("\n")
        return max(map(len if _all_one_cell_or_break(text) else cell_len, lines))
    return len(text) if _all_one_cell(text) else cell_len(text)


_WIDTHS: dict[tuple[object, ...], list[int]] = {}  # column widths by what they depend on
_HEADINGS: dict[tuple[object, ...], list[Segment]] = {}  # edges and header, by the same
_WIDTHS_KEPT = 256


# Text Rich would read as markup or an emoji code: such a cell is given to Rich as Text.
_MARKUP = re.compile(r"[\[:]")


def _literal(cell: RenderableType | None) -> RenderableType | None:
    """A cell as data: control characters made visible (a line break stays one), markup and
    emoji codes left as they are written."""
    if isinstance(cell, str):
        text = visible(cell, newlines=True)
        return Text(text) if _MARKUP.search(text) else text
    if isinstance(cell, Text) and has_hidden(cell.plain.replace("\n", "")):
        return Text(visible(cell.plain, newlines=True), style=cell.style)
    return cell


def _annotation(text: object, style: object) -> object:
    """A title or caption as data: Rich would read a plain string's markup."""
    if isinstance(text, str):
        return Text(visible(text, newlines=True), style=str(style or ""))
    return text


class QuickTable(Table):
    """A :class:`rich.table.Table` that prints plain-text rows quickly.

    Every cell, the title and the caption are data, shown as written (:func:`_literal`): a
    note ``[/]`` or ``[bold red]x[/]`` is printed as typed, never parsed as Rich markup.
    """

    @property  # type: ignore[override]
    def title(self) -> object:
        return _annotation(self._title_text, getattr(self, "title_style", None) or "table.title")

    @title.setter
    def title(self, text: object) -> None:
        self._title_text = text

    @property  # type: ignore[override]
    def caption(self) -> object:
        style = getattr(self, "caption_style", None) or "table.caption"
        return _annotation(self._caption_text, style)

    @caption.setter
    def caption(self, text: object) -> None:
        self._caption_text = text

    # The layout for a narrow terminal, when this one would cut a word (a number, a date, a
    # code): set by the renderer, or else each row as a block of "heading  value" lines.
    narrow: Callable[[], RenderableType] | None = None
    fit = False  # True: change to the narrow layout rather than cut (else: as Rich prints)
    whole_lines = False  # True: change also when a cell would wrap, not only when cut

    def add_row(self, *renderables: RenderableType | None, **options: Any) -> None:
        cells = [_literal(cell) for cell in renderables]
        if options or not self.add_plain_row(cells):
            super().add_row(*cells, **options)

    def add_plain_row(self, cells: Sequence[object]) -> bool:
        """Add a row of plain strings, one per column, already shown as data, as Rich's
        ``add_row`` would (without its checks, which cost a ranking of 3,000 units 40 ms):
        False, adding nothing, for any other row."""
        columns = self.columns
        if len(cells) != len(columns) or not all(type(cell) is str for cell in cells):
            return False
        for column, cell in zip(columns, cells, strict=True):
            column._cells.append(cast(str, cell))
        self.rows.append(Row())
        return True

    def cuts(self, console: Console, options: ConsoleOptions) -> bool:
        """Whether a word of a cell (a number, a date, a code: anything between spaces) or of
        a heading is wider than its column at this width, so that Rich would cut or split it."""
        if not self.fit or not self.rows:
            return False
        max_width = options.max_width if self.width is None else self.width
        space = options.update_width(max_width - self._extra_width)
        widths = self._calculate_column_widths(console, space)
        seen = getattr(self, "_widths_seen", None)
        widest = None
        if seen is not None and seen[:2] == (space.max_width, len(self.rows)):
            widest = seen[3]  # each column's widest line, for a plain table
        for index, (column, width) in enumerate(zip(self.columns, widths, strict=True)):
            room = width - self._get_padding_width(index)
            header = column.header
            heading = header if isinstance(header, str) else getattr(header, "plain", "")
            if any(_cell_len(word) > room for word in heading.split()):
                return True  # a heading's word would be cut ("Recei…")
            if widest is not None and widest[index] <= room:
                continue  # its widest line fits: nothing wraps
            texts = [
                cell if isinstance(cell, str) else cell.plain if isinstance(cell, Text) else ""
                for cell in column.cells
            ]
            if self.whole_lines and (
                widest is not None or any(_line_len(text) > room for text in texts)
            ):
                return True
            words = " ".join(texts).split()
            # a character is one or two cells wide: most words fit at a glance
            if max(map(len, words), default=0) * 2 <= room:
                continue
            if any(len(word) * 2 > room and _cell_len(word) > room for word in words):
                return True
        return False

    def fitted(self, console: Console, options: ConsoleOptions) -> RenderableType:
        """This table, or its narrow layout when this one would cut a word."""
        key = (options.max_width, len(self.rows))
        seen = getattr(self, "_fitted_seen", None)  # asked to print, then to write
        if seen is not None and seen[0] == key:
            return cast(RenderableType, seen[1])
        shown: RenderableType = self
        if self.cuts(console, options):
            shown = self.narrow() if self.narrow is not None else stacked(self)
        self._fitted_seen = (key, shown)
        return shown

    def _calculate_column_widths(self, console: Console, options: ConsoleOptions) -> list[int]:
        if not self._plain():
            return super()._calculate_column_widths(console, options)
        # A column is as wide as its widest cell: Rich's rules, on that cell alone. They read
        # no more than what the key holds, so the tables of a ranking, alike in all of it,
        # are measured once.
        seen = getattr(self, "_widths_seen", None)  # asked by cuts(), then to render
        if seen is not None and seen[:2] == (options.max_width, len(self.rows)):
            return list(seen[2])
        narrow = self._widest_cells()
        key = self._measures(narrow, options)
        widths = _WIDTHS.get(key) if key is not None else None
        if widths is None:
            widths = Table._calculate_column_widths(narrow, console, options)
            if key is not None:
                if len(_WIDTHS) > _WIDTHS_KEPT:
                    _WIDTHS.clear()
                _WIDTHS[key] = widths
        widest = [_line_len(cast(str, next(iter(c.cells), ""))) for c in narrow.columns]
        self._widths_seen = (options.max_width, len(self.rows), list(widths), widest)
        return list(widths)

    def write(self, console: Console) -> None:
        """Print the table as :meth:`Console.print` would, straight to the console's file when
        the console writes no styles (no terminal, or NO_COLOR): plain lines, cropped to the
        console's width as Rich crops them, without Rich's segment-by-segment pass."""
        shown = self.fitted(console, console.options)
        if shown is not self:
            if isinstance(shown, QuickTable):
                shown.write(console)
            else:
                console.print(shown)
            return
        if console.color_system is not None or console.record or not self._plain():
            console.print(self)
            return
        if not self.columns:  # Rich prints a line break, whatever the title
            console.file.write("\n")
            return
        width = console.width
        lines = self._plain_text(console).split("\n")
        console.file.write(
            "\n".join(
                set_cell_size(line, width) if _cell_len(line) > width else line for line in lines
            )
        )

    def _plain_text(self, console: Console) -> str:
        """The table as Rich's ``Table.__rich_console__`` renders it, as text, for a plain table
        and a console without styles: the title and caption rendered by Rich (kept by what
        they depend on: a ranking's 102 tables share one caption), the edges and header as
        :meth:`_render` draws them, the rows as :meth:`_body_lines` lays them out."""
        options = console.options
        max_width = options.max_width if self.width is None else self.width
        extra = self._extra_width
        widths = self._calculate_column_widths(console, options.update_width(max_width - extra))
        if any(w < 1 for *_, w in self._layout(widths)):
            return "".join(segment.text for segment in console.render(self))
        render_options = options.update(
            width=sum(widths) + extra, highlight=self.highlight, height=None
        )
        parts = []
        title, caption = self.title, self.caption
        if title:
            parts.append(
                _rendered(console, title, render_options.update(justify=self.title_justify))
            )
        heading = self._heading(console, render_options, widths)
        parts.append("".join(segment.text for segment in heading[:-2]))
        parts.append("".join(self._body_lines(console, render_options, widths)))
        parts.append("".join(segment.text for segment in heading[-2:]))
        if caption:
            parts.append(
                _rendered(console, caption, render_options.update(justify=self.caption_justify))
            )
        return "".join(parts)

    def _measures(self, narrow: Table, options: ConsoleOptions) -> tuple[object, ...] | None:
        """What Rich's column widths depend on: the space, the table's frame and padding, and
        per column its limits, its header and how wide its widest cell is (None: a header that
        is not plain text)."""
        columns = []
        for column in narrow.columns:
            if type(column.header) is not str:
                return None
            widest = next(iter(column.cells), None)
            columns.append(
                (
                    column.header,
                    None if widest is None else _line_len(cast(str, widest)),  # plain: a str
                    column.width,
                    column.min_width,
                    column.max_width,
                    column.ratio,
                    column.no_wrap,
                )
            )
        return (
            options.max_width,
            self.width,
            self.min_width,
            self.expand,
            self.box,
            self.show_edge,
            self.pad_edge,
            self.padding,
            self.collapse_padding,
            *columns,
        )

    def _render(self, console: Console, options: ConsoleOptions, widths: list[int]) -> RenderResult:
        if not self._plain() or any(w < 1 for *_, w in self._layout(widths)):
            yield from super()._render(console, options, widths)
            return
        # Rich draws the top edge, the header and its rule, and the bottom edge...
        heading = self._heading(console, options, widths)
        yield from heading[:-2]
        # ...and the rows go in between.
        new_line = Segment.line()
        for line in self._body_lines(console, options, widths):
            yield Segment(line[:-1])
            yield new_line
        yield from heading[-2:]

    def _heading(
        self, console: Console, options: ConsoleOptions, widths: list[int]
    ) -> list[Segment]:
        """The top edge, the header and its rule, then the bottom edge (its last two
        segments), as Rich draws them: the same for tables alike in what the key holds."""
        key = self._heading_key(console, options, widths)
        heading = _HEADINGS.get(key)
        if heading is None:
            heading = list(Table._render(self._without_rows(), console, options, widths))  # type: ignore[arg-type]
            if len(_HEADINGS) > _WIDTHS_KEPT:
                _HEADINGS.clear()
            _HEADINGS[key] = heading
        return heading

    def _heading_key(
        self, console: Console, options: ConsoleOptions, widths: list[int]
    ) -> tuple[object, ...]:
        """All that Rich's drawing of the edges and the header reads."""
        columns = tuple(
            (
                column.header,
                column.header_style,
                column.style,
                column.justify,
                column.vertical,
                column.overflow,
                column.no_wrap,
                column.width,
                column.min_width,
                column.max_width,
                column.ratio,
            )
            for column in self.columns
        )
        table = (
            self.box,
            self.safe_box,
            self.show_edge,
            self.pad_edge,
            self.padding,
            self.collapse_padding,
            self.header_style,
            self.style,
            self.border_style,
            self.leading,
            self.expand,
        )
        place = (options.max_width, options.ascii_only, options.legacy_windows, options.encoding)
        return (id(console), tuple(widths), place, table, columns)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        shown = self.fitted(console, options)
        if shown is not self:
            yield shown
            return
        self._plain_kept: bool | None = self._plain_now()  # asked twice in one print: once
        try:
            yield from super().__rich_console__(console, options)
        finally:
            self._plain_kept = None

    def _plain(self) -> bool:
        """Whether every body cell is plain text in a table this class lays out like Rich."""
        kept = getattr(self, "_plain_kept", None)
        return self._plain_now() if kept is None else kept

    def _plain_now(self) -> bool:
        top, _, bottom, _ = self.padding
        simple = (
            _divide_line is not None
            and self.box is not None
            and self.show_edge
            and self.show_header
            and not self.show_footer
            and not self.show_lines
            and not self.leading
            and not self.collapse_padding
            and not self.highlight
            and _unstyled(self.style)
            and _unstyled(self.border_style)
            and not self.row_styles
            and not top
            and not bottom
            and not any(
                row.end_section or (row.style is not None and not _unstyled(row.style))
                for row in self.rows
            )
        )
        return simple and all(
            _unstyled(column.style)
            and column.vertical == "top"
            and column.justify in ("left", "right")
            and column.overflow in ("fold", "crop", "ellipsis")
            and not column.highlight
            and _all_plain(column.cells)
            for column in self.columns
        )

    def _widest_cells(self) -> Table:
        """A copy of the table with one row: each column's widest cell (plain text)."""
        narrow = self._without_rows()
        if self.rows:
            widest = [
                max(cast("Iterable[str]", column.cells), key=_line_len) for column in self.columns
            ]
            Table.add_row(narrow, *widest)
        return narrow

    def _without_rows(self) -> Table:
        """A copy of the table with its columns and no row."""
        heading = copy(self)
        for kept in ("_widths_seen", "_fitted_seen"):  # what was measured of the rows
            heading.__dict__.pop(kept, None)
        heading.columns = [column.copy() for column in self.columns]
        heading.rows = []
        return heading

    def _body_lines(
        self, console: Console, options: ConsoleOptions, widths: list[int]
    ) -> Iterator[str]:
        """The body rows as lines of plain text, each ending in a line break, the last row
        between the box's foot edges (the box as the console can draw it)."""
        safe = console.safe_box if self.safe_box is None else self.safe_box
        assert self.box is not None  # a plain table has one
        box = self.box.substitute(options, safe=safe)
        layout = self._layout(widths)
        rows = list(zip(*(column.cells for column in self.columns), strict=True))
        blanks = [" " * width for _, width, *_ in layout]
        edges = (box.mid_left, box.mid_vertical, box.mid_right)
        for number, cells in enumerate(rows, 1):
            if number == len(rows):
                edges = (box.foot_left, box.foot_vertical, box.foot_right)
            left, divider, right = edges
            lines = [
                _cell_lines(cell, column, before, after, inner)
                for (column, _width, before, after, inner), cell in zip(layout, cells, strict=True)
            ]
            height = max(map(len, lines))
            if height == 1:
                yield left + divider.join([cell[0] for cell in lines]) + right + "\n"
                continue
            for line in range(height):
                parts = [
                    cell[line] if line < len(cell) else blank
                    for cell, blank in zip(lines, blanks, strict=True)
                ]
                yield left + divider.join(parts) + right + "\n"

    def _layout(self, widths: list[int]) -> list[tuple[Column, int, str, str, int]]:
        """Each column, its width, the padding before and after its cells, and the width left
        for their text."""
        _, pad_right, _, pad_left = self.padding
        last_column = len(self.columns) - 1
        layout = []
        for index, (column, width) in enumerate(zip(self.columns, widths, strict=True)):
            before = 0 if index == 0 and not self.pad_edge else pad_left
            after = 0 if index == last_column and not self.pad_edge else pad_right
            layout.append((column, width, " " * before, " " * after, width - before - after))
        return layout


_ANNOTATIONS: dict[tuple[object, ...], str] = {}  # titles and captions rendered, by the same


def _rendered(console: Console, text: object, options: ConsoleOptions) -> str:
    """A title or caption as Rich renders it for the table, as text (see
    :meth:`QuickTable._plain_text`); a :class:`Text` is rendered once for all that share it."""
    if not isinstance(text, Text):  # another renderable: as Rich renders it, every time
        return "".join(
            segment.text for segment in console.render(cast(RenderableType, text), options)
        )
    key = (
        id(console),
        console.tab_size,
        text.plain,
        str(text.style),
        text.justify,
        text.overflow,
        text.no_wrap,
        text.end,
        text.tab_size,
        options.max_width,
        options.min_width,
        options.justify,
        options.overflow,
        options.no_wrap,
        options.ascii_only,
        options.encoding,
        options.legacy_windows,
    )
    rendered = _ANNOTATIONS.get(key)
    if rendered is None:
        rendered = "".join(segment.text for segment in console.render(text, options))
        if len(_ANNOTATIONS) > _WIDTHS_KEPT:
            _ANNOTATIONS.clear()
        _ANNOTATIONS[key] = rendered
    return rendered


def stacked(table: Table) -> QuickTable:
    """``table`` for a narrow terminal: each row a block of lines, its heading then its value,
    a blank line between rows; the title and caption kept."""
    headings = [str(column.header) for column in table.columns]
    narrow = QuickTable(
        title=getattr(table, "_title_text", table.title),
        caption=getattr(table, "_caption_text", table.caption),
        box=table.box,
        pad_edge=False,
        show_header=True,
    )
    narrow.add_column("", no_wrap=True, max_width=max(map(len, headings), default=1))
    narrow.add_column("", overflow="fold")  # a long path wraps, never cut
    rows = list(zip(*(column.cells for column in table.columns), strict=True))
    for number, cells in enumerate(rows):
        if number:
            narrow.add_row("", "")
        for heading, cell in zip(headings, cells, strict=True):
            text = cell if isinstance(cell, str) else cell.plain if isinstance(cell, Text) else ""
            text = " ".join(text.split("\n")).strip()
            if text:
                narrow.add_row(heading, text)
    return narrow


def _all_plain(cells: Iterable[object]) -> bool:
    """Whether every cell is a string Rich would print as written (one search over them all,
    joined by the line break, which a plain cell may hold)."""
    texts = list(cells)
    return all(type(cell) is str for cell in texts) and not _NOT_PLAIN.search(
        "\n".join(cast("list[str]", texts))
    )


def _unstyled(style: StyleType | None) -> bool:
    """No style at all: nothing, ``""`` or ``"none"``."""
    if isinstance(style, str):
        try:
            return not Style.parse(style)
        except StyleSyntaxError:  # a theme's name
            return False
    return not style


def _cell_lines(text: str, column: Column, before: str, after: str, inner: int) -> list[str]:
    """The lines of a plain-text cell with its padding (``before``, ``after``), as
    :func:`_wrap` lays them out in ``inner`` cells: a line that fits, its characters each one
    cell wide, is justified here at once (a ranking's 3,000 rows are nearly all such)."""
    lines = []
    left = column.justify == "left"
    for part in text.split("\n"):  # each line of the cell wrapped alone
        if len(part) <= inner and _all_one_cell(part):
            lines.append(before + _justified(part, inner, len(part), left) + after)
        else:
            lines.extend(before + line + after for line in _wrap(part, inner, column))
    return lines


def _justified(text: str, width: int, length: int, left: bool) -> str:
    """A line ``length`` cells wide that fits in ``width``, justified as Rich does: padded
    after it (left), or its trailing spaces dropped and padded before it (right)."""
    if left:
        return text + " " * (width - length)
    text = text.rstrip()
    return " " * (width - _cell_len(text)) + text


def _wrap(text: str, width: int, column: Column) -> list[str]:
    """The lines of one line of a plain-text cell, as :meth:`rich.text.Text.wrap` breaks and
    justifies them for the column and :class:`rich.padding.Padding` fits them to ``width``
    cells."""
    length = _cell_len(text)
    if length <= width and len(text) <= width:  # nothing to break or cut
        return [_justified(text, width, length, column.justify == "left")]
    overflow = column.overflow
    if column.no_wrap:
        pieces = [text]
    else:
        assert _divide_line is not None  # a table is plain only with it
        offsets = _divide_line(text, width, overflow == "fold")
        bounds = [0, *offsets, len(text)]
        pieces = [_strip_beyond(text[a:b], width) for a, b in pairwise(bounds)]
    lines = []
    for piece in pieces:
        if column.justify == "left":
            line = _truncate(piece, width, overflow, pad=True)
        else:
            line = _truncate(piece.rstrip(), width, overflow)
            line = " " * (width - _cell_len(line)) + line
        lines.append(set_cell_size(_truncate(line, width, overflow), width))
    return lines


def _strip_beyond(text: str, size: int) -> str:
    """:meth:`rich.text.Text.rstrip_end`: drop trailing whitespace past ``size`` characters."""
    excess = len(text) - size
    if excess > 0:
        space = _TRAILING_SPACE.search(text)
        if space is not None:
            return text[: len(text) - min(len(space.group(0)), excess)]
    return text


def _truncate(text: str, width: int, overflow: str, pad: bool = False) -> str:
    """:meth:`rich.text.Text.truncate`."""
    length = _cell_len(text)
    if length > width:
        if overflow == "ellipsis":
            return set_cell_size(text, width - 1) + "…"
        return set_cell_size(text, width)
    if pad and length < width:
        return text + " " * (width - length)
    return text
