"""The command line: parse options, call :mod:`thiduaCLI.actions`, hand results to render.

Heavy modules (SQLModel, the core, Rich tables) are imported inside the commands, so that
``thidua --help`` and ``thidua --version`` start fast.
"""

from __future__ import annotations

import getpass
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from thiduaCLI import __version__
from thiduaCLI.errors import ThiduaError

if TYPE_CHECKING:
    from thiduaCLI.plan import Plan

app = typer.Typer(
    name="thidua",
    help=(
        "Theo dõi phong trào thi đua của phường: chỉ tiêu, số liệu báo cáo, tiến độ và xếp "
        "hạng.\n\nVí dụ: thidua report K03 VIEC_LAM 25 --date 2026-03-31; thidua status"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Settings:
    """Global options shared by every command."""

    def __init__(self, db: Path | None, year: int | None) -> None:
        self.db = db
        self.year = year

    @property
    def db_path(self) -> Path:
        """``--db``, else ``THIDUA_DB``, else the user's data directory."""
        if self.db is not None:
            return self.db
        from thiduaCLI.store import default_path

        path = default_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        return path


def _version(show: bool) -> None:
    if show:
        typer.echo(f"thidua {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    context: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            envvar="THIDUA_DB",
            help="Tệp cơ sở dữ liệu SQLite (mặc định: thư mục dữ liệu của người dùng).",
            dir_okay=False,
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option("--year", envvar="THIDUA_YEAR", help="Năm kế hoạch (mặc định: năm mới nhất)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="In phiên bản rồi thoát."),
    ] = False,
) -> None:
    """Theo dõi phong trào thi đua của phường."""
    context.obj = Settings(db, year)


JsonOption = Annotated[bool, typer.Option("--json", help="In JSON cho máy đọc.")]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help="Xem số liệu đến ngày này (YYYY-MM-DD hoặc dd/mm/yyyy)."),
]


def _emit(data: object, as_json: bool) -> None:
    """Print JSON, or a Rich renderable (or several) to stdout."""
    from thiduaCLI.render import dump_json, make_console

    if as_json:
        typer.echo(dump_json(data))
        return
    console = make_console()
    for item in data if isinstance(data, list) else [data]:
        console.print(item)


def _notes(notes: list[str]) -> None:
    for note in notes:
        typer.echo(f"Ghi chú: {note}", err=True)


def _as_of(text: str | None, plan: Plan) -> date:
    """``--as-of`` as typed, else today kept inside the plan year."""
    from thiduaCLI.actions import default_as_of
    from thiduaCLI.dates import parse_date

    return default_as_of(plan, date.today()) if text is None else parse_date(text)


@app.command()
def init(
    context: typer.Context,
    plan: Annotated[
        Path | None,
        typer.Argument(help="Tệp kế hoạch TOML (mặc định: kế hoạch có sẵn 2026).", dir_okay=False),
    ] = None,
) -> None:
    """Nạp kế hoạch thi đua, hoặc cập nhật kế hoạch đã nạp khi tệp thay đổi.

    Cập nhật không bao giờ xóa số liệu đã báo cáo và từ chối thay đổi làm mất chỗ của số liệu.

    Ví dụ: thidua init data/targets_2026.toml
    """
    from thiduaCLI import actions
    from thiduaCLI.render import init_line

    settings: Settings = context.obj
    result = actions.init(settings.db_path, plan)
    if result.created_database:
        _notes([f"Đã tạo cơ sở dữ liệu mới {settings.db_path}"])
    typer.echo(init_line(result))


@app.command(context_settings={"ignore_unknown_options": True})  # lets "-1,5" be a value
def report(
    context: typer.Context,
    unit: Annotated[str, typer.Argument(help="Đơn vị: mã hoặc tên (có dấu hay không đều được).")],
    indicator: Annotated[str, typer.Argument(help="Chỉ tiêu: mã hoặc tên.")],
    value: Annotated[
        str, typer.Argument(help="Giá trị: 12,5 hoặc 12.5; tỷ lệ có thể ghi 4850/5000 hoặc 97%.")
    ],
    on: Annotated[
        str | None,
        typer.Option("--date", help="Ngày số liệu (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định hôm nay."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Ghi chú hoặc nguồn số liệu.")] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", envvar="THIDUA_USER", help="Người nhập (mặc định: tài khoản máy tính)."
        ),
    ] = None,
    total: Annotated[
        bool,
        typer.Option("--total", help="Giá trị là tổng lũy kế từ đầu năm (chỉ tiêu cộng dồn)."),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Ghi một số liệu báo cáo của một đơn vị cho một chỉ tiêu.

    Với chỉ tiêu cộng dồn, mỗi số là phần phát sinh trong kỳ; --total ghi tổng lũy kế.

    Ví dụ: thidua report "khom 3" "viec lam" 25 --date 2026-03-31 --by "Nguyễn Văn A"
    """
    from thiduaCLI import actions
    from thiduaCLI.dates import parse_date
    from thiduaCLI.render import recorded_json, recorded_line

    settings: Settings = context.obj
    ref_date = parse_date(on) if on is not None else None
    with actions.opened(settings.db_path, settings.year) as opened:
        recorded = actions.report(
            opened,
            unit_query=unit,
            indicator_query=indicator,
            value_text=value,
            ref_date=ref_date,
            today=date.today(),
            by=by or _os_user(),
            note=note,
            total=total,
        )
    _notes(opened.notes)
    typer.echo(_dump(recorded_json(recorded)) if as_json else recorded_line(recorded))


def _dump(data: object) -> str:
    from thiduaCLI.render import dump_json

    return dump_json(data)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "không rõ"


@app.command()
def status(context: typer.Context, as_of: AsOfOption = None, as_json: JsonOption = False) -> None:
    """Tiến độ các chỉ tiêu của phường: chỉ tiêu, thực hiện, tỷ lệ, tình trạng.

    Ví dụ: thidua status --as-of 2026-06-30
    """
    from thiduaCLI import actions
    from thiduaCLI.render import status_json, status_table

    settings: Settings = context.obj
    with actions.opened(settings.db_path, settings.year) as opened:
        day = _as_of(as_of, opened.plan)
        rows = actions.status(opened, day)
    _notes(opened.notes)
    plan = opened.plan
    _emit(status_json(plan, day, rows) if as_json else status_table(plan, day, rows), as_json)


@app.command()
def rank(
    context: typer.Context,
    block: Annotated[
        str | None, typer.Option("--block", help="Chỉ xếp hạng một khối (mã hoặc tên).")
    ] = None,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Xếp hạng các đơn vị trong từng khối thi đua theo điểm (0–100).

    Ví dụ: thidua rank --block KHOM --as-of 2026-06-30
    """
    from thiduaCLI import actions
    from thiduaCLI.render import rank_json, rank_tables

    settings: Settings = context.obj
    with actions.opened(settings.db_path, settings.year) as opened:
        day = _as_of(as_of, opened.plan)
        rows = actions.rank(opened, day, block)
    _notes(opened.notes)
    plan = opened.plan
    _emit(rank_json(plan, day, rows) if as_json else rank_tables(plan, day, rows), as_json)


@app.command()
def indicators(context: typer.Context, as_json: JsonOption = False) -> None:
    """Các chỉ tiêu của kế hoạch.

    Ví dụ: thidua indicators --json
    """
    from thiduaCLI import actions
    from thiduaCLI.render import indicators_json, indicators_table

    settings: Settings = context.obj
    with actions.opened(settings.db_path, settings.year) as opened:
        plan = opened.plan
    _notes(opened.notes)
    _emit(indicators_json(plan) if as_json else indicators_table(plan), as_json)


@app.command()
def units(context: typer.Context, as_json: JsonOption = False) -> None:
    """Các đơn vị ký giao ước, khối thi đua và chỉ tiêu của từng đơn vị.

    Ví dụ: thidua units
    """
    from thiduaCLI import actions
    from thiduaCLI.render import units_json, units_table

    settings: Settings = context.obj
    with actions.opened(settings.db_path, settings.year) as opened:
        plan = opened.plan
    _notes(opened.notes)
    _emit(units_json(plan) if as_json else units_table(plan), as_json)


def main() -> None:
    """Entry point: run the app, turning the project's errors into one line and exit code 1."""
    try:
        app()
    except ThiduaError as error:
        typer.echo(f"Lỗi: {error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("Đã dừng.", err=True)
        sys.exit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
