"""The command line: parse what was typed, call the :class:`~thiduaCLI.ledger.Ledger`, render.

Heavy modules (SQLModel, the core, Rich tables) are imported inside the commands, so that
``thidua --help`` and ``thidua --version`` start fast.
"""

# No ``from __future__ import annotations`` here: Typer reads the commands' annotations on
# every run, and evaluating them as strings costs ``thidua --help`` several milliseconds.
import contextlib
import functools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from thiduaCLI import __version__
from thiduaCLI.cli.typer_words import LocalisedCommand, LocalisedGroup, help_hint, usage_error
from thiduaCLI.errors import ThiduaError, UsageProblem
from thiduaCLI.text.conventions import adopted, settle
from thiduaCLI.text.conventions import current as current_conventions
from thiduaCLI.text.i18n import N_, _
from thiduaCLI.text.lookup import nfc
from thiduaCLI.text.oserrors import os_reason

if TYPE_CHECKING:
    from pydantic import BaseModel

    from thiduaCLI.domain.periods import Period
    from thiduaCLI.files.progress import Progress
    from thiduaCLI.ledger import Ledger
    from thiduaCLI.storage.store import Location

HELP_WIDTH = 100  # help fills the terminal up to this many columns


class _Thidua(LocalisedGroup):
    """The ``thidua`` group. Run as a program (Click's ``standalone_mode``, as Typer's
    ``CliRunner`` and ``Typer.__call__`` run it) it is :func:`main`: conventions settled,
    errors as one line and an exit code."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if standalone_mode:
            main(args, prog_name, group=self)
        return super().main(
            args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra
        )

    def invoke(self, ctx: Any) -> Any:
        """The command; Ctrl-C as :class:`typer.Abort`, which :func:`main` says in one line
        (Typer would turn it into a silent exit 130)."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise typer.Abort() from None


app = typer.Typer(
    name="thidua",
    cls=_Thidua,
    help=N_(
        "Theo dõi phong trào thi đua của phường: chỉ tiêu, số liệu báo cáo, tiến độ và xếp "
        "hạng.\n\nVí dụ: thidua report K03 VIEC_LAM 25 --date 2026-03-31; thidua status"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # Click's plain help: no Rich to import for --help
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": HELP_WIDTH},
)


class Settings:
    """Global options shared by every command."""

    def __init__(self, db: str | None, year: int | None) -> None:
        self.db = db  # a path or a URL, as typed
        self.year = year

    @property
    def db_location(self) -> str:
        """``--db``, else ``THIDUA_DB``, else the user's data directory (nothing created), as
        it may be shown: a URL without its password."""
        if self.db is not None:
            from thiduaCLI.ledger import shown_location

            return shown_location(self.db)
        from thiduaCLI.ledger import default_location

        return str(default_location())

    @property
    def db_path(self) -> "Location":
        """The database (a file, or a PostgreSQL database), the data directory made
        (owner-only) when it is the default file's."""
        from thiduaCLI.ledger import database_location

        return database_location(self.db)


def _version(show: bool) -> None:
    if show:
        typer.echo(f"thidua {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    context: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="THIDUA_DB",
            help=N_(
                "Cơ sở dữ liệu: tệp SQLite (đường dẫn hoặc sqlite:///TỆP; mặc định: thư mục "
                "dữ liệu của người dùng) hoặc PostgreSQL (postgresql://TÀI_KHOẢN@MÁY/TÊN)."
            ),
        ),
    ] = None,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            envvar="THIDUA_YEAR",
            min=2000,
            max=2100,
            help=N_("Năm kế hoạch (mặc định: năm nay nếu đã có kế hoạch, nếu không năm mới nhất)."),
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help=N_("In phiên bản rồi thoát.")
        ),
    ] = False,
    lang: Annotated[
        str,
        typer.Option(
            "--lang",
            envvar="THIDUA_LANG",
            help=N_("Ngôn ngữ: vi (mặc định) hoặc en. Đặt được ở bất cứ đâu trên dòng lệnh."),
        ),
    ] = "vi",
    number_format: Annotated[
        str,
        typer.Option(
            "--number-format",
            envvar="THIDUA_NUMBER_FORMAT",
            show_default=False,
            help=N_(
                "Cách đọc số gõ vào: vi (1.400 = 1400; 12,5) hoặc en (1,400 = 1400; 12.5). "
                "Mặc định: theo ngôn ngữ."
            ),
        ),
    ] = "vi",
) -> None:
    """The global options: keep the ones the commands read in ``context.obj``."""
    context.obj = Settings(db, year)


JsonOption = Annotated[bool, typer.Option("--json", help=N_("In JSON cho máy đọc."))]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", help=N_("Xem số liệu đến ngày này (YYYY-MM-DD hoặc dd/mm/yyyy).")),
]


def _emit(data: object, as_json: bool) -> None:
    """Print JSON, or a Rich renderable (or several) to stdout."""
    if as_json:
        from thiduaCLI.files.formats import write_json

        write_json(data, sys.stdout)
        return
    from thiduaCLI.cli.quicktable import QuickTable
    from thiduaCLI.cli.render import make_console

    console = make_console()
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, QuickTable):
            item.write(console)
        else:
            console.print(item)


QuietOption = Annotated[
    bool,
    typer.Option("--quiet", "-q", help=N_("Không in gì khi thành công (lỗi vẫn in ra stderr).")),
]
KeyOption = Annotated[
    str | None,
    typer.Option(
        "--key", help=N_("Khóa duy nhất: gửi lại cùng khóa thì không ghi lần nữa (cho cron).")
    ),
]

FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help=N_(
            "Cho người đọc: table (mặc định), markdown, text (thư điện tử). Cho máy: json, csv "
            "(history: cả ndjson)."
        ),
    ),
]
READ_FORMATS = ("table", "json", "csv", "markdown", "text")
FOUND_PROBLEMS = 3  # exit code of a check that found something
MAX_ID = 2**63 - 1  # SQLite's largest integer (ledger.MAX_ID; not imported: --help stays light)


def _format(fmt: str, as_json: bool, allowed: tuple[str, ...] = READ_FORMATS) -> str:
    """The output format asked for; ``--json`` is short for ``--format json``."""
    if as_json and fmt not in ("table", "json"):
        raise UsageProblem(
            _("--json là viết tắt của --format json, không dùng cùng --format {fmt}").format(
                fmt=fmt
            )
        )
    chosen = "json" if as_json else fmt
    if chosen not in allowed:
        raise UsageProblem(
            _("{option} {value}: chọn một trong {allowed}").format(
                option="--format", value=fmt, allowed=", ".join(allowed)
            )
        )
    return chosen


def _show(
    fmt: str,
    table: Callable[[], object],
    result: "BaseModel",
    rows: str | None = None,
    columns: tuple[str, ...] = (),
) -> None:
    """Print the answer: for people, Rich tables (or the same as Markdown or text); for
    scripts, JSON (``result.model_dump(mode="json")``) or the rows of its dump as CSV or NDJSON
    (``rows``: the field holding them, None when the result is a list; ``columns``: the CSV
    header when there may be no row)."""
    if fmt in FOR_PEOPLE:
        _present(fmt, table())
        return
    from thiduaCLI.files.formats import write

    def records() -> list[dict[str, Any]]:
        dumped: Any = result.model_dump()  # Decimals kept: a cell shows the JSON's digits
        return dumped if rows is None else dumped[rows]

    data = result.model_dump(mode="json") if fmt == "json" else None
    write(sys.stdout, fmt, data, records, columns)


FOR_PEOPLE = ("table", "markdown", "text")


def _present(fmt: str, shown: object) -> None:
    """What a read command shows people: on the terminal, or as Markdown or plain text."""
    if fmt == "table":
        _emit(shown, as_json=False)
    else:
        from thiduaCLI.cli import people

        people.write(sys.stdout, fmt, shown)


def _notes(notes: list[str], quiet: bool = False) -> None:
    """Notes go to stderr, so that stdout holds only the answer; ``--quiet`` drops them."""
    from thiduaCLI.text.literal import visible

    for note in [] if quiet else notes:
        typer.echo(visible(_("Ghi chú: {note}").format(note=note)), err=True)


def _say(text: str, quiet: bool) -> None:
    """A write command's confirmation line, unless ``--quiet``."""
    if not quiet:
        from thiduaCLI.text.literal import visible

        typer.echo(visible(text))


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Nạp kế hoạch thi đua, hoặc cập nhật kế hoạch đã nạp khi tệp thay đổi.\n\n"
        "Cập nhật không bao giờ xóa số liệu đã báo cáo và từ chối thay đổi làm mất chỗ của "
        "số liệu.\n\n"
        "Ví dụ: thidua init data/targets_2026.toml"
    ),
)
def init(
    context: typer.Context,
    plan: Annotated[
        Path | None,
        typer.Argument(help=N_("Tệp kế hoạch TOML (mặc định: kế hoạch có sẵn 2026).")),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", envvar="THIDUA_USER", help=N_("Người nạp (mặc định: tài khoản máy tính).")
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Load the plan, or update the loaded plan when its file changed."""
    from thiduaCLI import ledger
    from thiduaCLI.cli.render import init_line

    settings: Settings = context.obj
    result = ledger.init(settings.db_path, plan, by)
    if result.created_database:
        _notes([_("Đã tạo cơ sở dữ liệu mới {path}").format(path=settings.db_path)], quiet)
    _notes(result.notes, quiet)
    _say(init_line(result), quiet)


# ignore_unknown_options lets "-1,5" be a value
@app.command(
    cls=LocalisedCommand,
    context_settings={"ignore_unknown_options": True},
    help=N_(
        "Ghi một số liệu báo cáo của một đơn vị cho một chỉ tiêu.\n\n"
        "Với chỉ tiêu cộng dồn, mỗi số là phần phát sinh trong kỳ; --total ghi tổng lũy kế.\n\n"
        'Ví dụ: thidua report "khom 3" "viec lam" 25 --date 2026-03-31 --by "Nguyễn Văn A"'
    ),
)
def report(
    context: typer.Context,
    unit: Annotated[
        str, typer.Argument(help=N_("Đơn vị: mã hoặc tên (có dấu hay không đều được)."))
    ],
    indicator: Annotated[str, typer.Argument(help=N_("Chỉ tiêu: mã hoặc tên."))],
    value: Annotated[
        str,
        typer.Argument(help=N_("Giá trị: 12,5 hoặc 12.5; tỷ lệ có thể ghi 4850/5000 hoặc 97%.")),
    ],
    on: Annotated[
        str | None,
        typer.Option(
            "--date", help=N_("Ngày số liệu (YYYY-MM-DD hoặc dd/mm/yyyy); mặc định hôm nay.")
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help=N_("Ghi chú hoặc nguồn số liệu."))
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by", envvar="THIDUA_USER", help=N_("Người nhập (mặc định: tài khoản máy tính).")
        ),
    ] = None,
    total: Annotated[
        bool,
        typer.Option("--total", help=N_("Giá trị là tổng lũy kế từ đầu năm (chỉ tiêu cộng dồn).")),
    ] = False,
    key: KeyOption = None,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help=N_("Kiểm tra và cho xem số liệu sẽ được ghi thế nào, không ghi gì."),
        ),
    ] = False,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Record one unit's figure for one indicator."""
    from thiduaCLI.cli.render import recorded_line
    from thiduaCLI.ledger import open_ledger
    from thiduaCLI.text.dates import parse_date
    from thiduaCLI.text.numbers import parse_value

    settings: Settings = context.obj
    ref_date = parse_date(on) if on is not None else None
    reading = parse_value(value, current_conventions().typed_numbers)
    with open_ledger(
        settings.db_path, year=settings.year, create=not dry_run, upgrade=not dry_run
    ) as ledger:
        recorded = ledger.record(
            unit,
            indicator,
            reading,
            on=ref_date,
            by=by,
            note=note,
            total=total,
            key=key,
            dry_run=dry_run,
        )
    _notes(ledger.notes, quiet)
    if as_json:
        _emit(recorded.model_dump(mode="json"), as_json)
    elif recorded.duplicate:
        _say(
            _("Đã có số liệu #{id} với khóa '{key}'; không ghi lại.").format(
                id=recorded.id, key=key
            ),
            quiet,
        )
    else:
        _say(recorded_line(ledger.plan, recorded, reading), quiet)


PeriodOption = Annotated[
    str | None,
    typer.Option(
        "--period",
        help=N_("Kỳ xét: 2026-03 (tháng), 2026-Q2 (quý), 2026-H1 (6 tháng), 2026 (cả năm)."),
    ),
]


PlanAsOfOption = Annotated[
    str | None,
    typer.Option(
        "--plan-as-of",
        help=N_(
            "Xét theo phiên bản kế hoạch đang có hiệu lực ngày này (mặc định: kế hoạch mới "
            "nhất); xem thidua history --plan."
        ),
    ),
]


def _parse_review(as_of: str | None, period: str | None) -> "tuple[date | None, Period | None]":
    """``--as-of`` and ``--period`` as typed; giving both is a usage error."""
    from thiduaCLI.domain.periods import parse_period
    from thiduaCLI.text.dates import parse_date

    if as_of is not None and period is not None:
        raise UsageProblem(_("chỉ dùng một trong --as-of và --period"))
    return (
        None if as_of is None else parse_date(as_of),
        None if period is None else parse_period(period),
    )


def _review_command(
    context: typer.Context,
    as_of: str | None,
    period: str | None,
    fmt: str,
    compute: "Callable[[Ledger, date | None, Period | None], Any]",
    table: Callable[..., object],
    rows: str,
    columns: tuple[str, ...] = (),
    plan_as_of: str | None = None,
    view: "Callable[[Ledger, date | None, Period | None], Any] | None" = None,
) -> Any:
    """A review command: open the plan year it needs (the version of its plan in force on
    ``plan_as_of``, if given), ask the ledger, print the table or the result. ``view``: what
    the table is drawn from, when the ledger gives it more cheaply than the result (with a
    ``review``); the table then gets it whole, and None is returned."""
    from thiduaCLI.ledger import open_ledger, plan_year_for
    from thiduaCLI.text.dates import parse_date

    settings: Settings = context.obj
    day, chosen = _parse_review(as_of, period)
    in_force = None if plan_as_of is None else parse_date(plan_as_of)
    year = plan_year_for(settings.year, chosen)
    with open_ledger(settings.db_path, year=year, plan_as_of=in_force) as ledger:
        if fmt in FOR_PEOPLE and view is not None:
            seen = view(ledger, day, chosen)
            result = None
        else:
            result = compute(ledger, day, chosen)
    _notes(ledger.notes)
    plan = ledger.plan
    if result is None:
        _present(fmt, table(plan, seen.review, seen))
        return None
    _show(fmt, lambda: table(plan, result.review, result.answer), result, rows, columns)
    return result


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Tiến độ các chỉ tiêu của phường: chỉ tiêu, thực hiện, tỷ lệ, tình trạng.\n\n"
        "Chỉ tiêu cộng dồn được so với kế hoạch đến ngày xét (cuối kỳ khi dùng --period).\n\n"
        "Ví dụ: thidua status --period 2026-H1"
    ),
)
def status(
    context: typer.Context,
    as_of: AsOfOption = None,
    period: PeriodOption = None,
    plan_as_of: PlanAsOfOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
) -> None:
    """The ward's progress on every indicator."""
    from thiduaCLI.cli.render import status_table

    fmt = _format(fmt, as_json)
    _review_command(
        context,
        as_of,
        period,
        fmt,
        lambda ledger, day, chosen: ledger.status(day, chosen),
        status_table,
        "indicators",
        plan_as_of=plan_as_of,
    )


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Xếp hạng các đơn vị trong từng khối thi đua, so với kỳ trước.\n\n"
        "Điểm là bình quân gia quyền tỷ lệ hoàn thành (có trần) các chỉ tiêu của giao ước, "
        "cộng điểm "
        "thưởng, trừ điểm trừ, theo mục [scoring] của kế hoạch.\n\n"
        "Ví dụ: thidua rank --period 2026-H1 --block KHOM"
    ),
)
def rank(
    context: typer.Context,
    block: Annotated[
        str | None, typer.Option("--block", help=N_("Chỉ xếp hạng một khối (mã hoặc tên)."))
    ] = None,
    as_of: AsOfOption = None,
    period: PeriodOption = None,
    plan_as_of: PlanAsOfOption = None,
    shortlist: Annotated[
        bool,
        typer.Option("--shortlist", help=N_("Danh sách đơn vị đủ điều kiện đề nghị khen thưởng.")),
    ] = False,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
) -> None:
    """Rank the units of each emulation block."""
    from thiduaCLI.cli import render_scores as view

    fmt = _format(fmt, as_json)
    if shortlist:
        _review_command(
            context,
            as_of,
            period,
            fmt,
            lambda ledger, day, chosen: ledger.shortlist(day, chosen, block),
            view.shortlist_table,
            "proposals",
            view.PROPOSAL_COLUMNS,
            plan_as_of=plan_as_of,
        )
    else:
        _review_command(
            context,
            as_of,
            period,
            fmt,
            lambda ledger, day, chosen: ledger.rank(day, chosen, block),
            view.rank_tables,
            "rows",
            plan_as_of=plan_as_of,
            view=lambda ledger, day, chosen: ledger.ranked(day, chosen, block, explained=False),
        )


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Bảng điểm của một đơn vị: từng chỉ tiêu, cách tính điểm, còn thiếu gì để lên loại.\n\n"
        'Ví dụ: thidua show "khom 3" --period 2026-H1'
    ),
)
def show(
    context: typer.Context,
    unit: Annotated[str, typer.Argument(help=N_("Đơn vị: mã hoặc tên."))],
    as_of: AsOfOption = None,
    period: PeriodOption = None,
    plan_as_of: PlanAsOfOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
) -> None:
    """One unit's scorecard."""
    from thiduaCLI.cli import render_scores as view

    fmt = _format(fmt, as_json)
    _review_command(
        context,
        as_of,
        period,
        fmt,
        lambda ledger, day, chosen: ledger.scorecard(unit, day, chosen),
        view.scorecard_view,
        "parts",
        plan_as_of=plan_as_of,
    )


@app.command(
    cls=LocalisedCommand,
    help=N_("Các chỉ tiêu của kế hoạch.\n\nVí dụ: thidua indicators --json"),
)
def indicators(
    context: typer.Context, fmt: FormatOption = "table", as_json: JsonOption = False
) -> None:
    """List the plan's indicators."""
    from thiduaCLI.cli.render import indicators_table
    from thiduaCLI.ledger import open_ledger

    fmt = _format(fmt, as_json)
    settings: Settings = context.obj
    with open_ledger(settings.db_path, year=settings.year) as ledger:
        result = ledger.indicators()
    _notes(ledger.notes)
    plan = ledger.plan
    _show(fmt, lambda: indicators_table(plan), result)


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Các đơn vị ký giao ước, khối thi đua và chỉ tiêu của từng đơn vị.\n\nVí dụ: thidua units"
    ),
)
def units(context: typer.Context, fmt: FormatOption = "table", as_json: JsonOption = False) -> None:
    """List the units, their blocks and their indicators."""
    from thiduaCLI.cli.render import units_table
    from thiduaCLI.ledger import open_ledger

    fmt = _format(fmt, as_json)
    settings: Settings = context.obj
    with open_ledger(settings.db_path, year=settings.year) as ledger:
        result = ledger.units()
    _notes(ledger.notes)
    plan = ledger.plan
    _show(fmt, lambda: units_table(plan), result)


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Kiểm tra cho cron: thoát với mã 3 khi tìm thấy vấn đề, 0 khi không có.\n\n"
        "Ví dụ: thidua check --behind --overdue 35 --below 50 --format markdown"
    ),
)
def check(
    context: typer.Context,
    behind: Annotated[
        bool, typer.Option("--behind", help=N_("Chỉ tiêu của phường chậm so với dự kiến."))
    ] = False,
    overdue: Annotated[
        int | None,
        typer.Option(
            "--overdue",
            min=0,
            metavar="DAYS",
            help=N_("Đơn vị có chỉ tiêu không báo cáo trong DAYS ngày qua."),
        ),
    ] = None,
    below: Annotated[
        float | None,
        typer.Option("--below", metavar="SCORE", help=N_("Đơn vị có điểm dưới SCORE.")),
    ] = None,
    missing: Annotated[
        bool,
        typer.Option("--missing", help=N_("Đơn vị chưa có số liệu của kỳ báo cáo vừa quá hạn.")),
    ] = False,
    as_of: AsOfOption = None,
    period: PeriodOption = None,
    plan_as_of: PlanAsOfOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
) -> None:
    """Checks for cron: exit 3 when something is found, 0 otherwise."""
    from thiduaCLI.cli.render_checks import FINDING_COLUMNS, check_tables

    fmt = _format(fmt, as_json)
    if not behind and not missing and overdue is None and below is None:
        raise UsageProblem(
            _("chọn ít nhất một kiểm tra: --behind, --missing, --overdue DAYS, --below SCORE")
        )
    result = _review_command(
        context,
        as_of,
        period,
        fmt,
        lambda ledger, day, chosen: ledger.check(
            day, chosen, behind=behind, overdue=overdue, below=below, missing=missing
        ),
        check_tables,
        "findings",
        FINDING_COLUMNS,
        plan_as_of=plan_as_of,
    )
    if result.found:
        raise typer.Exit(FOUND_PROBLEMS)


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Tình hình báo cáo từng đơn vị: phải nộp, đã nộp, đúng hạn, lần báo cáo gần nhất.\n\n"
        "Ví dụ: thidua overdue --format csv"
    ),
)
def overdue(
    context: typer.Context,
    as_of: AsOfOption = None,
    period: PeriodOption = None,
    plan_as_of: PlanAsOfOption = None,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
) -> None:
    """How each unit reports: due, sent, on time, last report."""
    from thiduaCLI.cli.render_checks import rates_table

    fmt = _format(fmt, as_json)
    _review_command(
        context,
        as_of,
        period,
        fmt,
        lambda ledger, day, chosen: ledger.overdue(day, chosen),
        rates_table,
        "units",
        plan_as_of=plan_as_of,
    )


ReasonOption = Annotated[
    str, typer.Option("--reason", help=N_("Lý do (bắt buộc, được lưu trong lịch sử)."))
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by", envvar="THIDUA_USER", help=N_("Người nhập (mặc định: tài khoản máy tính).")
    ),
]


# ignore_unknown_options lets "-1,5" be a value
@app.command(
    cls=LocalisedCommand,
    context_settings={"ignore_unknown_options": True},
    help=N_(
        "Sửa một số liệu: ghi số liệu mới thay thế, số liệu cũ vẫn còn trong lịch sử.\n\n"
        'Ví dụ: thidua correct 12 30 --reason "nhầm số tháng 3"'
    ),
)
def correct(
    context: typer.Context,
    figure_id: Annotated[
        int, typer.Argument(metavar="ID", min=1, max=MAX_ID, help=N_("Mã số của số liệu cần sửa."))
    ],
    value: Annotated[str, typer.Argument(help=N_("Giá trị đúng (như khi báo cáo)."))],
    reason: ReasonOption,
    by: ByOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Correct a figure by recording a replacement; the old one stays in the history."""
    from thiduaCLI.cli.render import recorded_line
    from thiduaCLI.ledger import open_ledger
    from thiduaCLI.text.numbers import parse_value

    settings: Settings = context.obj
    reading = parse_value(value, current_conventions().typed_numbers)
    with open_ledger(settings.db_path, year=settings.year) as ledger:
        corrected = ledger.correct(figure_id, reading, reason=reason, by=by)
    _notes(ledger.notes, quiet)
    if as_json:
        _emit(corrected.model_dump(mode="json"), as_json)
    else:
        _say(
            _("Thay số liệu #{id}. {recorded}").format(
                id=figure_id, recorded=recorded_line(ledger.plan, corrected, reading)
            ),
            quiet,
        )


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Rút một số liệu, hoặc cả một lần nhập (--import), khỏi mọi phép tính; số liệu và lý "
        "do vẫn còn trong lịch sử.\n\n"
        "Các dòng của một lần nhập đã rút được nhập lại được (sửa tệp rồi thidua import).\n\n"
        'Ví dụ: thidua retract 12 --reason "báo cáo trùng"; '
        'thidua retract --import 120 --reason "nhầm tệp tháng 3"'
    ),
)
def retract(
    context: typer.Context,
    reason: ReasonOption,
    figure_id: Annotated[
        int | None,
        typer.Argument(metavar="ID", min=1, max=MAX_ID, help=N_("Mã số của số liệu cần rút.")),
    ] = None,
    import_id: Annotated[
        int | None,
        typer.Option(
            "--import",
            metavar="ID",
            min=1,
            max=MAX_ID,
            help=N_("Rút mọi số liệu của một lần nhập (mã in ra sau thidua import)."),
        ),
    ] = None,
    by: ByOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Retract a figure, or a whole import, from every calculation; it stays in the history."""
    from thiduaCLI.cli.render_audit import retracted_import_line, retracted_line
    from thiduaCLI.ledger import open_ledger

    if (figure_id is None) == (import_id is None):
        raise UsageProblem(_("cho mã một số liệu (ID) hoặc --import ID, một trong hai"))
    settings: Settings = context.obj
    with open_ledger(settings.db_path, year=settings.year) as ledger:
        if import_id is not None:
            result: Any = ledger.retract_import(import_id, reason=reason, by=by)
        else:
            result = ledger.retract(figure_id, reason=reason, by=by)  # type: ignore[arg-type]
    _notes(ledger.notes, quiet)
    if as_json:
        _emit(result.model_dump(mode="json"), as_json)
    elif import_id is not None:
        _say(retracted_import_line(result), quiet)
    else:
        _say(retracted_line(result), quiet)


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Lịch sử số liệu, mới nhất trước: ai ghi, lúc nào, từ đâu, còn tính hay đã sửa/rút.\n\n"
        "Ví dụ: thidua history K03 VIEC_LAM --since 2026-06-01"
    ),
)
def history(
    context: typer.Context,
    unit: Annotated[str | None, typer.Argument(help=N_("Đơn vị (mã hoặc tên)."))] = None,
    indicator: Annotated[str | None, typer.Argument(help=N_("Chỉ tiêu (mã hoặc tên)."))] = None,
    since: Annotated[
        str | None, typer.Option("--since", help=N_("Chỉ số liệu ghi từ ngày này."))
    ] = None,
    targets: Annotated[
        bool, typer.Option("--targets", help=N_("Các lần đổi chỉ tiêu khi cập nhật kế hoạch."))
    ] = False,
    plan_changes: Annotated[
        bool,
        typer.Option(
            "--plan",
            help=N_("Mọi thay đổi của kế hoạch: ai nạp, lúc nào, mục nào, trước và sau."),
        ),
    ] = False,
    fmt: FormatOption = "table",
    as_json: JsonOption = False,
) -> None:
    """The history of figures, newest first."""
    from thiduaCLI.cli import render_audit as view
    from thiduaCLI.ledger import open_ledger
    from thiduaCLI.text.dates import parse_date

    fmt = _format(fmt, as_json, (*READ_FORMATS, "ndjson"))
    settings: Settings = context.obj
    day = None if since is None else parse_date(since)
    if targets and plan_changes:
        raise UsageProblem(_("chỉ dùng một trong --targets và --plan"))
    with open_ledger(settings.db_path, year=settings.year) as ledger:
        entries = ledger.history(unit, indicator, day)
        changes = ledger.target_changes(unit, indicator)
        versions = ledger.plan_changes() if plan_changes else None
    _notes(ledger.notes)
    year = ledger.plan.year
    if versions is not None:
        _show(
            fmt,
            lambda: view.plan_changes_table(year, versions.answer),
            versions,
            columns=view.PLAN_CHANGE_COLUMNS,
        )
    elif targets:
        _show(
            fmt,
            lambda: view.target_changes_table(year, changes.answer),
            changes,
            columns=view.TARGET_CHANGE_COLUMNS,
        )
    else:
        _show(
            fmt,
            lambda: view.history_table(year, entries.answer),
            entries,
            columns=view.HISTORY_COLUMNS,
        )


@app.command(
    cls=LocalisedCommand,
    name="import",
    help=N_(
        "Nhập nhiều số liệu từ tệp CSV hoặc Excel: tất cả hoặc không dòng nào.\n\n"
        "Cột: đơn vị, chỉ tiêu, giá trị, ngày, ghi chú, người nhập (hoặc unit, indicator, "
        "value, "
        "date, note, by). Dòng đã nhập từ trước được bỏ qua. Biểu mẫu do thidua form lập "
        "được nhận ra và kiểm tra (đơn vị, kỳ, chỉ tiêu); một thư mục biểu mẫu được nhập "
        "tất cả hoặc không tệp nào.\n\n"
        "Ví dụ: thidua import so-lieu-thang-3.xlsx --dry-run; thidua import bieu-mau/"
    ),
)
def import_(
    context: typer.Context,
    file: Annotated[
        str,
        typer.Argument(
            metavar="FILE",
            help=N_(
                "Tệp .csv hoặc .xlsx, biểu mẫu đã điền (thidua form), hoặc thư mục các biểu "
                "mẫu; - là đầu vào chuẩn (CSV)."
            ),
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help=N_("Chỉ kiểm tra, không ghi gì."))
    ] = False,
    by: ByOption = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Import many figures from a CSV or Excel file, all or none."""
    from thiduaCLI.cli.progress import progress_bar
    from thiduaCLI.cli.render_audit import import_line
    from thiduaCLI.ledger import ImportRefused, open_ledger

    settings: Settings = context.obj
    path = None if file == "-" else Path(file)
    stream = sys.stdin.buffer if path is None else None
    with (
        open_ledger(
            settings.db_path, year=settings.year, create=not dry_run, upgrade=not dry_run
        ) as ledger,
        progress_bar(quiet) as progress,
    ):
        try:
            result = ledger.import_file(
                path,
                stream=stream,
                by=by,
                dry_run=dry_run,
                number_format=current_conventions().typed_numbers,
                progress=progress,
            )
        except ImportRefused as refused:
            for error in refused.errors:
                _fail(str(error))
            raise
    _notes(ledger.notes, quiet)
    if as_json:
        _emit(result.model_dump(mode="json"), as_json)
    else:
        _say(import_line(result), quiet)


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Xuất các số liệu đang tính, cùng các cột như khi nhập, để nhập lại nơi khác.\n\n"
        "Ví dụ: thidua export --format xlsx -o so-lieu-2026.xlsx"
    ),
)
def export(
    context: typer.Context,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help=N_(
                "csv, xlsx hoặc json (mặc định: theo đuôi tệp của --output, không có thì csv)."
            ),
        ),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help=N_("Tệp ghi ra (mặc định: đầu ra chuẩn)."))
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Export the counted figures with the import columns."""
    from thiduaCLI.cli.progress import progress_bar
    from thiduaCLI.files import tabular
    from thiduaCLI.ledger import open_ledger

    if output_format is not None and output_format not in EXPORT_FORMATS:
        raise UsageProblem(
            _("--format {value}: chọn csv, xlsx hoặc json").format(value=output_format)
        )
    output_format = _export_format(output_format, output)
    if output_format == "xlsx" and output is None:
        raise UsageProblem(_("--format xlsx cần --output TỆP.xlsx"))
    settings: Settings = context.obj
    with open_ledger(settings.db_path, year=settings.year) as ledger:
        rows = ledger.export_rows()
    _notes(ledger.notes)
    if output_format == "xlsx":
        with _new_file(output) as handle, progress_bar(quiet) as progress:  # type: ignore[arg-type]
            tabular.write_xlsx(rows, handle, progress)
        return
    text = tabular.write_csv(rows) if output_format == "csv" else tabular.write_json(rows) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        with _new_file(output) as handle:
            handle.write(text.encode("utf-8"))


EXPORT_FORMATS = ("csv", "xlsx", "json")


def _export_format(chosen: str | None, output: Path | None) -> str:
    """The format an export writes: ``--format``, else the output file's extension, else CSV.
    A file named ``.xlsx`` never receives CSV text: a format that contradicts the extension is
    a usage error."""
    suffix = "" if output is None else output.suffix.lower().lstrip(".")
    implied = suffix if suffix in EXPORT_FORMATS else None
    if chosen is None:
        return implied or "csv"
    if implied is not None and implied != chosen:
        raise UsageProblem(
            _(
                "--format {chosen} không khớp với đuôi tệp {path} (.{suffix}); đổi tên tệp "
                "hoặc bỏ --format"
            ).format(chosen=chosen, path=output, suffix=suffix)
        )
    return chosen


@contextmanager
def _new_file(path: Path) -> Iterator[IO[bytes]]:
    """A new owner-only file, written whole or not at all: a temporary file beside it is
    linked into place at the end, which refuses to overwrite a file that exists."""
    import tempfile

    from thiduaCLI.files.atomic import link_into_place, refuse_existing

    refuse_existing(path)
    failed = _("{path}: không ghi được ({reason})")
    try:
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, then linked
            dir=path.parent, prefix=f".{path.name}.", delete=False
        )
    except OSError as error:
        raise ThiduaError(failed.format(path=path, reason=os_reason(error))) from None
    temporary = Path(handle.name)
    try:
        with handle:
            yield handle
        link_into_place(temporary, path, failed)
    except OSError as error:  # writing the temporary file
        raise ThiduaError(failed.format(path=path, reason=os_reason(error))) from None
    finally:
        temporary.unlink(missing_ok=True)


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Lập biểu mẫu Excel gửi các đơn vị điền số liệu của một kỳ: mỗi đơn vị một tệp, "
        "chỉ tiêu theo giao ước, chỉ tiêu giao, số liệu gần nhất và ô để điền (các ô khác "
        "bị khóa). Nhận lại bằng thidua import TỆP.xlsx hoặc thidua import THƯ-MỤC/.\n\n"
        "Ví dụ: thidua form K01 K02 --period 2026-10 -o bieu-mau/"
    ),
)
def form(
    context: typer.Context,
    units: Annotated[
        list[str],
        typer.Argument(metavar="UNIT...", help=N_("Mã hoặc tên đơn vị (một hoặc nhiều).")),
    ],
    period: Annotated[
        str | None,
        typer.Option(
            "--period",
            help=N_(
                "Kỳ báo cáo: 2026-10 (tháng), 2026-Q4 (quý) (mặc định: kỳ báo cáo đang diễn ra)."
            ),
        ),
    ] = None,
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help=N_("Thư mục ghi các biểu mẫu (tạo nếu chưa có); tệp đã có không bị ghi đè."),
        ),
    ] = Path("."),
    quiet: QuietOption = False,
) -> None:
    """Write one Excel form per unit, to be filled in and imported back."""
    from thiduaCLI.domain.periods import parse_period
    from thiduaCLI.files import forms
    from thiduaCLI.ledger import open_ledger

    settings: Settings = context.obj
    chosen = None if period is None else parse_period(period)
    with open_ledger(settings.db_path, year=settings.year) as ledger:
        made = ledger.forms(units, chosen)
    _notes(ledger.notes, quiet)
    written = _write_all(
        output,
        [(sheet.file_name, functools.partial(forms.write_form, sheet)) for sheet in made],
        "forms",
        quiet,
    )
    for sheet, target in zip(made, written, strict=True):
        _say(
            _("Đã lập biểu mẫu {path} ({unit}, {period}, {rows} chỉ tiêu).").format(
                path=target,
                unit=sheet.unit.code,
                period=sheet.period.words,
                rows=len(sheet.rows),
            ),
            quiet,
        )


def _write_all(
    folder: Path,
    files: Sequence[tuple[str, Callable[[IO[bytes]], object]]],
    stage: str,
    quiet: bool,
    progress: "Progress | None" = None,
) -> list[Path]:
    """Write new files (a name and what writes it) into ``folder`` (made if missing), all or
    none: none is written when one is in the way, and those written are removed when a later
    one fails. A progress bar counts them (``stage``) on a terminal (``progress``: the bar
    of the caller, who reports more than the files)."""
    from thiduaCLI.cli.progress import progress_bar
    from thiduaCLI.files.atomic import refuse_existing
    from thiduaCLI.files.progress import counted

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ThiduaError(
            _("{path}: không tạo được thư mục ({reason})").format(
                path=folder, reason=os_reason(error)
            )
        ) from None
    targets = [folder / name for name, _write in files]
    for target in targets:
        refuse_existing(target)
    written: list[Path] = []
    try:
        shown = contextlib.nullcontext(progress) if progress else progress_bar(quiet)
        with shown as bar:
            for (_name, write), target in counted(
                zip(files, targets, strict=True), stage, bar, len(files), 1
            ):
                with _new_file(target) as handle:
                    write(handle)
                written.append(target)
    except BaseException:
        for target in written:
            target.unlink(missing_ok=True)
        raise
    return written


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Lập văn bản cho hội nghị sơ kết, tổng kết: báo cáo (Word), tờ trình đề nghị khen "
        "thưởng (Word), bảng số liệu (Excel) và bảng tin công khai (một tệp HTML có biểu đồ), "
        "từ cùng số liệu như status, rank và show.\n\n"
        "Với --unit: bảng điểm của một đơn vị (Word và HTML) để gửi đơn vị.\n\n"
        "Ví dụ: thidua brief --period 2026-H1 -o so-ket-6-thang; thidua brief --unit K03"
    ),
)
def brief(
    context: typer.Context,
    as_of: AsOfOption = None,
    period: PeriodOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help=N_(
                "Thư mục ghi các tệp (tạo nếu chưa có; mặc định: bao-cao-thi-dua-KỲ); tệp đã "
                "có không bị ghi đè."
            ),
        ),
    ] = None,
    units: Annotated[
        list[str] | None,
        typer.Option("--unit", help=N_("Chỉ lập bảng điểm của đơn vị này (dùng nhiều lần được).")),
    ] = None,
    issuer: Annotated[
        str | None,
        typer.Option(
            "--issuer",
            help=N_(
                "Cơ quan ban hành ở góc trái (mặc định theo tên phường trong kế hoạch, ví dụ "
                "ỦY BAN NHÂN DÂN / PHƯỜNG MỸ THỚI; xuống dòng bằng \\n)."
            ),
        ),
    ] = None,
    place: Annotated[
        str | None,
        typer.Option("--place", help=N_("Địa danh ghi trước ngày tháng (mặc định: tên phường).")),
    ] = None,
    council: Annotated[
        str | None,
        typer.Option(
            "--council",
            help=N_(
                "Cơ quan trình tờ trình khen thưởng (mặc định: HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG "
                "và tên phường)."
            ),
        ),
    ] = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Write the review meeting's papers and the public board."""
    import gc

    gc.enable()  # the launcher's short-command shortcut does not suit a long job of charts
    from thiduaCLI.cli.progress import progress_bar
    from thiduaCLI.ledger import open_ledger, plan_year_for
    from thiduaCLI.papers import bundle
    from thiduaCLI.papers.documents import letterhead_for
    from thiduaCLI.text.literal import NAME_LIMIT, check_length

    settings: Settings = context.obj
    for text, what in ((issuer, "--issuer"), (place, "--place"), (council, "--council")):
        check_length(text, NAME_LIMIT, what)
    day, chosen = _parse_review(as_of, period)
    year = plan_year_for(settings.year, chosen)
    with open_ledger(settings.db_path, year=year) as ledger:
        plan = ledger.plan
        review = ledger.review(day, chosen)
        label = review.period.label if review.period else review.as_of.isoformat()
        head = letterhead_for(
            plan.ward.name,
            ledger.today(),
            None if issuer is None else issuer.replace("\\n", "\n"),
            place,
            None if council is None else council.replace("\\n", "\n"),
        )
        if units:
            cards: dict[str, Any] = {}  # one scorecard a unit, however many times it is named
            for unit in units:
                card = ledger.scorecard(unit, day, chosen)
                cards.setdefault(card.unit, card)
            made = [
                paper
                for card in cards.values()
                for paper in bundle.unit_papers(plan, card, head, label)
            ]
        else:
            made = bundle.papers(plan, ledger.brief(day, chosen), head, label)
    _notes(ledger.notes, quiet)
    folder = output if output is not None else Path(f"bao-cao-thi-dua-{label}")
    files = [(paper.name, paper.write) for paper in made]
    with progress_bar(quiet) as progress:  # the charts (drawn as the report is written), files
        if progress is not None:
            bundle.report_charts(made, progress)
        written = _write_all(folder, files, "papers", quiet, progress)
    if as_json:
        _emit(
            {
                "folder": str(folder),
                "files": [str(path) for path in written],
                "as_of": review.as_of.isoformat(),
                "period": label if review.period else None,
            },
            as_json,
        )
        return
    for target in written:
        _say(_("Đã lập {path}.").format(path=target), quiet)


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Sao lưu nhất quán cơ sở dữ liệu, kể cả khi người khác đang ghi.\n\n"
        "PATH là một tệp chưa có, hoặc một thư mục (đã có, hoặc ghi với dấu / ở cuối): bản "
        "sao lưu khi đó là thidua-YYYY-MM-DD-HHMMSS.sqlite3 trong thư mục, theo giờ Việt Nam; "
        "không bao giờ ghi đè. Trên PostgreSQL, bản sao lưu do pg_dump lập (….dump, khôi phục "
        "bằng pg_restore).\n\n"
        "Ví dụ: thidua backup /mnt/usb/thidua-2026-11-25.sqlite3; thidua backup /mnt/usb/"
    ),
)
def backup(
    context: typer.Context,
    target: Annotated[
        str,
        typer.Argument(
            metavar="PATH", help=N_("Tệp sao lưu (chưa có), hoặc thư mục để ghi bản có ngày giờ.")
        ),
    ],
    quiet: QuietOption = False,
) -> None:
    """Make a consistent backup of the database."""
    from thiduaCLI import ledger
    from thiduaCLI.cli.progress import progress_bar

    settings: Settings = context.obj
    with progress_bar(quiet) as progress:
        made = ledger.backup(settings.db_path, target, progress=progress)
    _say(_("Đã sao lưu {path} vào {target}.").format(path=settings.db_path, target=made), quiet)


@app.command(
    cls=LocalisedCommand,
    help=N_(
        "Kiểm tra cơ sở dữ liệu còn nguyên như thidua đã ghi: kiểm tra toàn vẹn của SQLite, "
        "chuỗi kiểm chứng của các số liệu, lần rút và phiên bản kế hoạch, và số liệu theo "
        "tháng tính lại từ các số liệu. Thoát 0 khi tất cả khớp, 1 khi có gì bị sửa ngoài "
        "thidua (nêu mục đầu tiên).\n\n"
        "Ví dụ: thidua verify"
    ),
)
def verify(context: typer.Context, quiet: QuietOption = False, as_json: JsonOption = False) -> None:
    """Check that the database is as thidua left it."""
    from thiduaCLI import ledger

    settings: Settings = context.obj
    done = ledger.verify(settings.db_path)
    if as_json:
        _emit(done.model_dump(mode="json"), as_json)
        return
    _say(
        _(
            "{path}: toàn vẹn. Chuỗi kiểm chứng khớp: {entries} mục ({figures} số liệu, "
            "{retractions} lần rút, {versions} phiên bản kế hoạch); {months} dòng số liệu theo "
            "tháng khớp với các số liệu. Đầu chuỗi: {head}"
        ).format(
            path=done.path,
            entries=done.entries,
            figures=done.figures,
            retractions=done.retractions,
            versions=done.plan_versions,
            months=done.month_rows,
            head=done.head,
        ),
        quiet,
    )


db_app = typer.Typer(
    cls=LocalisedGroup,
    help=N_("Về tệp cơ sở dữ liệu.\n\nVí dụ: thidua db path"),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(db_app, name="db")


plan_app = typer.Typer(
    cls=LocalisedGroup,
    help=N_("Về kế hoạch đã nạp.\n\nVí dụ: thidua plan dump -o kehoach-2026.toml"),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(plan_app, name="plan")


@plan_app.command(
    "dump",
    cls=LocalisedCommand,
    help=N_(
        "In kế hoạch đang lưu (phiên bản mới nhất) dưới dạng tệp TOML mà thidua init nạp lại "
        "được, không thay đổi gì. Các chú thích của tệp gốc không được lưu nên không có.\n\n"
        "Ví dụ: thidua plan dump --year 2026 -o kehoach-2026.toml"
    ),
)
def plan_dump(
    context: typer.Context,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            min=2000,
            max=2100,
            help=N_("Năm kế hoạch (mặc định: như tùy chọn chung --year)."),
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help=N_("Tệp ghi ra, chưa có (mặc định: đầu ra chuẩn).")),
    ] = None,
) -> None:
    """Print the stored plan as TOML that ``thidua init`` takes back unchanged."""
    from thiduaCLI.ledger import open_ledger

    settings: Settings = context.obj
    if output is not None:
        from thiduaCLI.files.atomic import refuse_existing

        refuse_existing(output)
    chosen = year if year is not None else settings.year
    with open_ledger(settings.db_path, year=chosen, create=False) as ledger:
        text = ledger.plan_toml()
    _notes(ledger.notes)
    if output is None:
        sys.stdout.write(text)
    else:
        with _new_file(output) as handle:
            handle.write(text.encode("utf-8"))


@db_app.command(
    "path",
    cls=LocalisedCommand,
    help=N_("In đường dẫn tệp cơ sở dữ liệu đang dùng.\n\nVí dụ: thidua db path"),
)
def db_path(context: typer.Context) -> None:
    """Print the path of the database file in use."""
    settings: Settings = context.obj
    typer.echo(settings.db_location)


@db_app.command(
    "copy",
    cls=LocalisedCommand,
    help=N_(
        "Chép toàn bộ cơ sở dữ liệu (số liệu, lần sửa, lần rút, các phiên bản kế hoạch, chuỗi "
        "kiểm chứng) sang một cơ sở dữ liệu PostgreSQL trống, rồi kiểm tra bản chép: số dòng "
        "từng bảng bằng nhau và thidua verify đạt trên bản chép. Tất cả hoặc không gì.\n\n"
        "Ví dụ: thidua db copy --to postgresql://canbo@may-chu/thidua_tinh"
    ),
)
def db_copy(
    context: typer.Context,
    to: Annotated[
        str,
        typer.Option(
            "--to",
            metavar="URL",
            help=N_("Cơ sở dữ liệu PostgreSQL trống nhận bản chép (postgresql://…)."),
        ),
    ],
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Copy the database into an empty PostgreSQL database and verify the copy."""
    from thiduaCLI import ledger
    from thiduaCLI.cli.progress import progress_bar

    settings: Settings = context.obj
    with progress_bar(quiet or as_json) as progress:
        done = ledger.copy_database(settings.db_path, to, progress)
    if as_json:
        _emit(done.model_dump(mode="json"), as_json)
        return
    from thiduaCLI.text.numbers import format_number

    _say(
        _(
            "Đã chép {path} sang {target}: {figures} số liệu, {entries} mục chuỗi kiểm chứng; "
            "bản chép đã kiểm tra khớp."
        ).format(
            path=done.source,
            target=done.target,
            figures=format_number(done.rows["figure"]),
            entries=format_number(done.rows["audit_chain"]),
        ),
        quiet,
    )


access_app = typer.Typer(
    cls=LocalisedGroup,
    help=N_(
        "Ai được làm gì trên cơ sở dữ liệu PostgreSQL dùng chung (chính PostgreSQL thực thi: "
        "cán bộ thi đua ghi, sửa, rút số liệu và nạp kế hoạch; tài khoản đơn vị chỉ ghi số "
        "liệu của đơn vị mình; người xem chỉ đọc). Do chủ cơ sở dữ liệu chạy.\n\n"
        "Ví dụ: thidua access grant khom3 --unit K03"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(access_app, name="access")


def _access_line(entry: object) -> str:
    from thiduaCLI.results import AccessEntry

    assert isinstance(entry, AccessEntry)
    roles = {
        "officer": _("cán bộ thi đua"),
        "viewer": _("người xem"),
        "unit": _("đơn vị {units}").format(units=", ".join(entry.units)),
    }
    return _("{login}: {role}").format(login=entry.login, role=roles[entry.role])


@access_app.command(
    "grant",
    cls=LocalisedCommand,
    help=N_(
        "Cấp quyền cho một tài khoản đăng nhập (tạo tài khoản nếu máy chủ chưa có, không mật "
        "khẩu: người quản trị máy chủ đặt). Quyền cũ của tài khoản trên cơ sở dữ liệu này được "
        "thay.\n\n"
        "Ví dụ: thidua access grant lan --officer; thidua access grant khom3 --unit K03"
    ),
)
def access_grant(
    context: typer.Context,
    login: Annotated[str, typer.Argument(metavar="LOGIN", help=N_("Tên đăng nhập PostgreSQL."))],
    officer: Annotated[
        bool, typer.Option("--officer", help=N_("Cán bộ thi đua: ghi, sửa, rút, nạp kế hoạch."))
    ] = False,
    viewer: Annotated[bool, typer.Option("--viewer", help=N_("Chỉ xem."))] = False,
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit",
            metavar="CODE",
            help=N_("Đơn vị mà tài khoản ghi số liệu (lặp lại cho nhiều đơn vị)."),
        ),
    ] = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Give a login its access to the PostgreSQL database."""
    from thiduaCLI import ledger

    chosen = [role for role, on in (("officer", officer), ("viewer", viewer)) if on]
    if unit:
        chosen.append("unit")
    if len(chosen) != 1:
        raise UsageProblem(_("chọn đúng một: --officer, --viewer hoặc --unit MÃ"))
    settings: Settings = context.obj
    entry = ledger.grant_access(settings.db_path, login, chosen[0], unit or [])
    if as_json:
        _emit(entry.model_dump(mode="json"), as_json)
        return
    _say(_("Đã cấp quyền: {line}.").format(line=_access_line(entry)), quiet)


@access_app.command(
    "revoke",
    cls=LocalisedCommand,
    help=N_(
        "Thu mọi quyền của một tài khoản trên cơ sở dữ liệu này (tài khoản vẫn còn trên máy "
        "chủ; số liệu nó đã ghi vẫn giữ nguyên).\n\nVí dụ: thidua access revoke khom3"
    ),
)
def access_revoke(
    context: typer.Context,
    login: Annotated[str, typer.Argument(metavar="LOGIN", help=N_("Tên đăng nhập PostgreSQL."))],
    quiet: QuietOption = False,
    as_json: JsonOption = False,
) -> None:
    """Take away a login's access to the PostgreSQL database."""
    from thiduaCLI import ledger

    settings: Settings = context.obj
    entry = ledger.revoke_access(settings.db_path, login)
    if as_json:
        _emit(entry.model_dump(mode="json"), as_json)
        return
    _say(_("Đã thu quyền của {line}.").format(line=_access_line(entry)), quiet)


@access_app.command(
    "list",
    cls=LocalisedCommand,
    help=N_(
        "Liệt kê các tài khoản có quyền và quyền của từng tài khoản.\n\nVí dụ: thidua access list"
    ),
)
def access_list(context: typer.Context, as_json: JsonOption = False) -> None:
    """List who may do what in the PostgreSQL database."""
    from thiduaCLI import ledger
    from thiduaCLI.text.literal import visible

    settings: Settings = context.obj
    listed = ledger.access_list(settings.db_path)
    if as_json:
        _emit(listed.model_dump(mode="json"), as_json)
        return
    if not listed.entries:
        typer.echo(_("Chưa cấp quyền cho tài khoản nào; cấp bằng: thidua access grant"))
    for entry in listed.entries:
        typer.echo(visible(_access_line(entry)))


def main(
    args: Sequence[str] | None = None,
    prog_name: str | None = None,
    *,
    group: "_Thidua | None" = None,
) -> None:
    """Run ``thidua`` with ``args`` (default: this process's arguments); every failure ends as
    one line on stderr and a meaningful exit code, through :class:`SystemExit`.

    0 success, 1 an error in the input or the data, 2 a command-line usage error.

    Each call settles its own language and number convention (``--lang`` anywhere on the line,
    else ``THIDUA_LANG``) and holds them while the command runs and its help is drawn, so two
    calls in one process may speak two languages. What was typed, and the ``THIDUA_``
    variables, reach the commands in Unicode NFC, the one form thidua stores.

    ``group``: the Click group Typer made of :data:`app`, when the caller has it (a test
    runner invoking the group); else it is made here.
    """
    typed = sys.argv[1:] if args is None else list(args)
    try:
        chosen, rest = settle([nfc(arg) for arg in typed], os.environ)
    except UsageProblem as error:
        _fail(str(error))
        sys.exit(2)
    for name, value in [(n, v) for n, v in os.environ.items() if n.startswith("THIDUA_")]:
        if nfc(value) != value:
            os.environ[name] = nfc(value)
    command = typer.main.get_command(app) if group is None else group
    with adopted(chosen):
        _run(command.main, rest, prog_name)


def _run(run: Callable[..., Any], args: list[str], prog_name: str | None) -> NoReturn:
    """:func:`main` once the conventions are settled: ``run`` is the group's ``main``."""
    try:
        code = run(args, prog_name=prog_name, standalone_mode=False)
    except UsageProblem as error:  # ours, as Click's: what was wrong, and where to read more
        _fail(f"{error} ({help_hint(_typed_command(run, args))})")
        sys.exit(2)
    except ThiduaError as error:
        _fail(str(error))
        sys.exit(1)
    except (KeyboardInterrupt, typer.Abort):
        typer.echo(_("Đã dừng."), err=True)
        sys.exit(130)
    except OSError as error:  # stdout closed or full: what was recorded stays recorded
        _stdout_failed(error)
    except Exception as error:
        if not _is_usage_error(error):
            raise
        message = error.format_message()  # type: ignore[attr-defined]
        if _is_a(error, "NoArgsIsHelpError"):  # "thidua" alone: the help, nothing went wrong
            typer.echo(message)
            sys.exit(0)
        context = getattr(error, "ctx", None)
        command = context.command_path if context is not None else _typed_command(run, args)
        _fail(f"{usage_error(message)} ({help_hint(command)})")
        sys.exit(2)
    try:
        sys.stdout.flush()
    except OSError as error:
        _stdout_failed(error)
    sys.exit(code if isinstance(code, int) else 0)


def _typed_command(run: Callable[..., Any], args: list[str]) -> str:
    """The command a usage error without Click's context belongs to (``thidua rank`` for
    ``rank --block`` with no value): the command names typed, from the group ``run`` is the
    ``main`` of."""
    path, group = ["thidua"], getattr(run, "__self__", None)
    for word in args:
        if word.startswith("-"):
            continue
        found = getattr(group, "commands", {}).get(word)
        if found is None:
            break
        path.append(word)
        group = found
    return " ".join(path)


def _fail(message: str) -> None:
    """The one line on stderr that says what went wrong (what it quotes made visible)."""
    from thiduaCLI.text.literal import visible

    typer.echo(visible(_("Lỗi: {message}").format(message=message)), err=True)


def _stdout_failed(error: OSError) -> NoReturn:
    """One line when the output cannot be written (a closed pipe, a full disk)."""
    with contextlib.suppress(OSError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - nothing more may reach the old one
        _fail(_("không ghi được đầu ra ({why})").format(why=os_reason(error)))
    sys.exit(1)


def _is_usage_error(error: Exception) -> bool:
    """Click's UsageError, whether typer ships click inside or depends on it."""
    return _is_a(error, "UsageError")


def _is_a(error: Exception, name: str) -> bool:
    """Whether ``error`` is of a Click exception class called ``name``."""
    return any(cls.__name__ == name for cls in type(error).__mro__)
