"""QuickTable prints exactly what Rich's own Table prints, only faster."""

from __future__ import annotations

import io
import random

import pytest
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from thiduaCLI.cli.quicktable import QuickTable

WORDS = (
    "Đơn vị",
    "khối",
    "(tên tạm)",
    "Hoàn thành xuất sắc nhiệm vụ",
    "⚠ thiếu THU_NS, VIEC_LAM (tính 0 điểm)",
    "9/9",
    "↑12",
    "—",
    "supercalifragilisticexpialidocious",
    "中文字",
    "e\u0301",
    "",
    " ",
    "x" * 30,
    "97,16\n82,77",  # a cell of two lines, each wrapped alone
    "Hoàn thành xuất sắc\n9/9 ⚠ thiếu THU_NS",
    "\n",
    "a\n\nb ",
)


def _tables(seed: int) -> list[tuple[Table, Table]]:
    """The same random tables twice: as QuickTable and as Rich's Table."""
    rng = random.Random(seed)

    def text() -> str:
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6)))
        return rng.choice(["", " ", ""]) + words + rng.choice(["", "  ", ""])

    made = []
    for _ in range(40):
        columns = []
        for _ in range(rng.randint(1, 8)):
            options: dict[str, object] = {}
            if rng.random() < 0.3:
                options["justify"] = "right"
            if rng.random() < 0.15:
                options["no_wrap"] = True
            if rng.random() < 0.15:
                options["min_width"] = rng.randint(0, 12)
            if rng.random() < 0.1:
                options["overflow"] = rng.choice(["fold", "crop", "ellipsis"])
            if rng.random() < 0.05:
                options["max_width"] = rng.randint(1, 15)
            columns.append((text() or "H", options))
        rows = [[text() for _ in columns] for _ in range(rng.randint(0, 12))]
        title, caption = text() or "Bảng", text()
        pair = []
        for kind in (QuickTable, Table):
            table = kind(title=title, caption=caption, box=box.SIMPLE_HEAVY, pad_edge=False)
            for heading, options in columns:
                table.add_column(heading, **options)  # type: ignore[arg-type]
            for row in rows:
                table.add_row(*row)
            pair.append(table)
        made.append((pair[0], pair[1]))
    return made


def _printed(table: Table, width: int, color: bool) -> str:
    """What ``console.print`` writes."""
    out = io.StringIO()
    _console(out, width, color).print(table)
    return out.getvalue()


def _written(table: QuickTable, width: int, color: bool) -> str:
    """What ``QuickTable.write`` writes."""
    out = io.StringIO()
    table.write(_console(out, width, color))
    return out.getvalue()


def _console(out: io.StringIO, width: int, color: bool) -> Console:
    return Console(
        file=out,
        width=width,
        highlight=False,
        color_system="truecolor" if color else None,
        force_terminal=color,
    )


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_plain_tables_print_as_rich_prints_them(seed: int) -> None:
    for quick, rich_table in _tables(seed):
        assert quick._plain()  # the quick way is the one tested
        for width in (12, 40, 80, 120, 200):
            for color in (False, True):
                expected = _printed(rich_table, width, color)
                assert _printed(quick, width, color) == expected
                assert _written(quick, width, color) == expected


def test_tables_alike_in_shape_are_each_laid_out_as_rich_lays_them_out() -> None:
    """Column widths are kept by what they depend on (header, widest cell's width, limits):
    tables whose cells differ but measure alike, as a ranking's blocks do, each print as Rich
    prints them, whichever was measured first."""
    rng = random.Random(11)
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyệờ"
    for width in (30, 60, 120):
        for _ in range(12):
            names = [
                " ".join(
                    "".join(rng.choice(letters) for _ in range(rng.choice([3, 5, 8])))
                    for _ in range(4)
                )
                for _ in range(5)
            ]
            pair = []
            for kind in (QuickTable, Table):
                table = kind(title="Khối", box=box.SIMPLE_HEAVY, pad_edge=False)
                table.add_column("Hạng", justify="right")
                table.add_column("Mã", no_wrap=True, min_width=8)
                table.add_column("Đơn vị")
                for number, name in enumerate(names, 1):
                    table.add_row(str(number), f"U{number:03d}", name)
                pair.append(table)
            quick, rich_table = pair
            assert quick._plain()
            assert _written(quick, width, False) == _printed(rich_table, width, False)


def test_anything_else_goes_through_rich() -> None:
    styled = QuickTable("Bảng")
    styled.add_column("Mã")
    styled.add_row(Text("K01", style="bold"))
    marked = QuickTable("Bảng")
    marked.add_column("Mã")
    marked.add_row("[bold]K01[/bold]")
    lined = QuickTable("Bảng", show_lines=True)
    lined.add_column("Mã")
    lined.add_row("K01")
    for table in (styled, marked, lined):
        assert not table._plain()
    assert "[bold]K01[/bold]" in _printed(marked, 40, False)  # data, never markup


def test_a_table_changed_after_printing_prints_as_changed() -> None:
    """What decides the quick way is looked at on every print, not kept from the first."""
    pair = []
    for kind in (QuickTable, Table):
        table = kind(title="Bảng", box=box.SIMPLE_HEAVY, pad_edge=False)
        table.add_column("Mã")
        table.add_column("Đơn vị")
        for row in (("K01", "Khóm 1"), ("K02", "Khóm 2")):
            table.add_row(*row)
        pair.append(table)
    quick, rich_table = pair
    assert _written(quick, 40, False) == _printed(rich_table, 40, False)
    quick.show_lines = rich_table.show_lines = True
    assert not quick._plain()
    assert _written(quick, 40, False) == _printed(rich_table, 40, False)
    assert _printed(quick, 40, False) == _printed(rich_table, 40, False)


def test_annotations_and_empty_tables_print_as_rich_prints_them() -> None:
    """A title or caption is laid out once per console and kept by all that changes it (its
    line end, its tab size): one console writes them in turn, each as Rich prints it; a table
    without columns prints Rich's one line break."""
    out = io.StringIO()
    console = _console(out, 40, False)
    for title in (
        Text("Bảng\tmột", tab_size=8),
        Text("Bảng\tmột", tab_size=2),
        Text("Bảng\tmột", tab_size=2, end=""),
        Text("Bảng\tmột", tab_size=2),
    ):
        pair = []
        for kind in (QuickTable, Table):
            table = kind(title=title, caption=title, box=box.SIMPLE_HEAVY, pad_edge=False)
            table.add_column("Mã")
            table.add_row("K01")
            pair.append(table)
        quick, rich_table = pair
        assert quick._plain()
        out.seek(0)
        out.truncate()
        quick.write(console)
        assert out.getvalue() == _printed(rich_table, 40, False), title
    empty = QuickTable(title="Bảng")
    assert _written(empty, 40, False) == _printed(Table(title="Bảng"), 40, False) == "\n"
