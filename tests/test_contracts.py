"""What thidua takes from Rich and Typer beyond their public API, pinned and checked here.

``cli/quicktable.py`` lays out thousands of rows fast by overriding two private methods of
Rich's ``Table`` and calling Rich's own line breaking; ``pyproject.toml`` pins Rich below its
next major version. ``cli/typer_words.py`` overrides only Click's public methods of a
command, but reads the notes Typer appends to a parameter's help (``[default: …]``) to put
them into the user's language. If any test here fails, the library changed under us: adapt
the module it names (or keep the pin) before lifting the pin.
"""

from __future__ import annotations

import inspect
import re
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Annotated

import pytest
import typer
from rich.table import Column, Row, Table
from rich.text import Text

from thiduaCLI.cli.typer_words import LocalisedCommand, parameter_help
from thiduaCLI.text.i18n import speaking

ROOT = Path(__file__).resolve().parent.parent

# Rich's private names quicktable.py uses, and the parameters each must take.
RICH_PRIVATES = {
    "Table._calculate_column_widths": (
        Table._calculate_column_widths,
        ["self", "console", "options"],
    ),
    "Table._render": (Table._render, ["self", "console", "options", "widths"]),
}


def _pins() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        re.match(r"[A-Za-z0-9_.-]+", spec).group(0).lower(): spec  # type: ignore[union-attr]
        for spec in project["dependencies"]
    }


def test_rich_is_pinned_below_its_next_major_version() -> None:
    major = int(version("rich").split(".")[0])
    assert _pins()["rich"] == f"rich>={major},<{major + 1}", (
        "cli/quicktable.py uses private names of Rich: keep rich pinned below the next major "
        "version (tests/test_contracts.py checks those names)"
    )


@pytest.mark.parametrize("name", sorted(RICH_PRIVATES))
def test_the_rich_methods_quicktable_overrides_are_still_there(name: str) -> None:
    method, parameters = RICH_PRIVATES[name]
    assert list(inspect.signature(method).parameters) == parameters, (
        f"Rich {version('rich')} changed {name}, which cli/quicktable.py overrides and calls"
    )


def test_rich_still_breaks_lines_where_quicktable_asks() -> None:
    from rich._wrap import divide_line  # the one private helper quicktable.py calls

    assert list(inspect.signature(divide_line).parameters) == ["text", "width", "fold"]
    assert divide_line("Hoàn thành xuất sắc", 10) == [11]


def test_a_column_keeps_its_cells_where_quicktable_reads_them() -> None:
    table = Table("A")
    table.add_row("x")
    column = table.columns[0]
    assert isinstance(column, Column) and list(column.cells) == ["x"]
    assert list(column.copy().cells) == []
    # quicktable appends a plain row where Rich's add_row puts it
    assert column._cells == ["x"] and len(table.rows) == 1 and table.rows[0] == Row()


def test_a_plain_row_added_quickly_is_the_row_rich_adds() -> None:
    from thiduaCLI.cli.quicktable import QuickTable

    quick, rich_table = QuickTable("A", "B"), Table("A", "B")
    quick.add_row("Khóm 1", "87,50")
    rich_table.add_row("Khóm 1", "87,50")
    assert [list(c.cells) for c in quick.columns] == [list(c.cells) for c in rich_table.columns]
    assert quick.rows == rich_table.rows
    assert not quick.add_plain_row(["only one"])  # not one per column: nothing added
    assert len(quick.rows) == 1 and list(quick.columns[0].cells) == ["Khóm 1"]
    # any other row takes Rich's own add_row: a missing cell, a Text, a row's options
    for table in (quick, rich_table):
        table.add_row(None, "2")
        table.add_row(Text("t"), "u")
        table.add_row("v", "w", style="bold")
    assert [list(c.cells) for c in quick.columns] == [list(c.cells) for c in rich_table.columns]
    assert [list(c.cells)[1:] for c in quick.columns] == [["", Text("t"), "v"], ["2", "u", "w"]]
    assert quick.rows == rich_table.rows and quick.rows[-1].style == "bold"


def _help_record(app: typer.Typer, name: str) -> str:
    command = typer.main.get_command(app)
    with typer.Context(command) as context:
        for param in command.get_params(context):
            if param.name == name:
                record = param.get_help_record(context)
                assert record is not None
                return record[1]
    raise AssertionError(name)


def test_typer_writes_the_help_notes_typer_words_translates() -> None:
    """Typer's notes after a parameter's help, as ``parameter_help`` reads them."""
    app = typer.Typer(rich_markup_mode=None)

    @app.command(cls=LocalisedCommand)
    def probe(
        unit: Annotated[str, typer.Argument(help="Đơn vị.")],
        lang: Annotated[str, typer.Option(envvar="THIDUA_LANG", help="Ngôn ngữ.")] = "vi",
    ) -> None:
        """A command to read the notes of."""

    written = {name: _help_record(app, name) for name in ("unit", "lang")}
    assert written == {
        "unit": "Đơn vị.  [required]",
        "lang": "Ngôn ngữ.  [env var: THIDUA_LANG; default: vi]",
    }, f"Typer {version('typer')} writes a parameter's notes differently: see typer_words.py"
    with speaking("vi"):
        assert parameter_help("Đơn vị.", written["unit"]) == "Đơn vị.  [bắt buộc]"
        assert parameter_help("Ngôn ngữ.", written["lang"]) == (
            "Ngôn ngữ.  [biến môi trường: THIDUA_LANG; mặc định: vi]"
        )
    with speaking("en"):
        assert parameter_help("Ngôn ngữ.", written["lang"]) == (
            "Ngôn ngữ.  [env var: THIDUA_LANG; default: vi]"
        )
