"""Every read command fits the terminal: at 60, 80 and 120 columns each number, date and code
is shown whole (never ``9…``, ``2026-1…``), on a year of data."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import Run, run_thidua
from helpers import plan_copy
from thiduaCLI import open_ledger

WIDTHS = (60, 80, 120)
WIDE = 400  # wide enough for every table's widest layout: what must be shown, whole

READ_COMMANDS = (
    ("status",),
    ("status", "--period", "2026-Q2"),
    ("rank",),
    ("rank", "--shortlist"),
    ("show", "VH_XH"),
    ("show", "K03"),
    ("show", "CONG_AN"),
    ("history",),
    ("history", "K03"),
    ("history", "--targets"),
    ("history", "--plan"),
    ("overdue",),
    ("check", "--behind", "--missing", "--overdue", "35", "--below", "70"),
    ("indicators",),
    ("units",),
    ("verify",),
    ("db", "path"),
)

# A token holding a digit (a number, a date, a time, a figure's #id, a rank's ↑3) or a code.
_TOKEN = re.compile(r"[^\s│┃━─┏┓┗┛╇╈╿╽┡┩]+")
_CODE = re.compile(r"[A-Z][A-Z0-9_]{2,}")
_EDGES = "()[],;:.·\"'"


def _tokens(text: str) -> set[str]:
    found = set()
    for token in _TOKEN.findall(text):
        token = token.strip(_EDGES)
        if token.endswith(".toml") and len(token) > 60:
            continue  # a file's path (a plan's source): wrapped where it is longer than a line
        if any(ch.isdigit() for ch in token) or _CODE.fullmatch(token):
            found.add(token)
    return found


def _build(path: Path) -> None:
    """A year of figures: every unit and indicator, months missed, totals typed (--total) and
    increments, corrections, retractions, notes; all recorded after their month (late)."""
    with open_ledger(path, year=2026, today=date(2026, 12, 20)) as ledger:
        plan = ledger.plan
        rows = []
        for u, unit in enumerate(plan.units.values()):
            for i, (code, target) in enumerate(unit.agreement.items()):
                ind = plan.indicators[code]
                if ind.kind == "cumulative":
                    continue
                for month in range(1, 12):
                    if (u + i + month) % 7 == 0:
                        continue  # a month not reported
                    value: object
                    if ind.rollup == "ratio":
                        den = Decimal(1000 + 37 * u)
                        value = (den * Decimal(80 + (u * 3 + month) % 21) / 100, den)
                    else:
                        value = target * Decimal(85 + (u * 7 + month) % 20) / 100
                        if ind.share:
                            value = min(value, Decimal(100))
                    day = date(2026, month, 28)
                    rows.append({"unit": unit.code, "indicator": code, "value": value, "date": day})
        ledger.import_rows(rows, source="nam_2026.csv", by="can_bo_thi_dua")
        ids = []
        for u, unit in enumerate(plan.units.values()):
            for code, target in unit.agreement.items():
                if plan.indicators[code].kind != "cumulative":
                    continue
                for month in (3, 6, 9, 11):
                    on = date(2026, month, 30)
                    if u % 2:  # a year-to-date total typed with --total
                        total = (target * Decimal(month * (6 + u % 5)) / 100).quantize(
                            Decimal("0.001")
                        )
                        done = ledger.record(unit.code, code, total, on=on, by="khom", total=True)
                    else:
                        step = (target * Decimal(month) / 48).quantize(Decimal("0.001"))
                        done = ledger.record(
                            unit.code, code, step, on=on, by="phong", note="báo cáo tháng"
                        )
                    ids.append(done.id)
        for number, figure in enumerate(ids[:12]):
            if number % 3 == 0:
                ledger.retract(figure, reason="báo cáo trùng", by="can_bo_thi_dua")
            elif number % 3 == 1:
                ledger.correct(figure, Decimal("12345.678"), reason="nhầm số", by="can_bo")


@pytest.fixture(scope="module")
def year_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("year") / "thidua.sqlite3"
    _build(path)
    return path


REVIEWS = ("status", "rank", "show", "overdue", "check")


@functools.cache
def _run(path: Path, width: int, args: tuple[str, ...]) -> Run:
    extra = ("--as-of", "2026-12-20") if args[0] in REVIEWS and "--period" not in args else ()
    env = {"COLUMNS": str(width), "THIDUA_YEAR": "2026"}
    result = run_thidua(path, path.parent, *args, *extra, env=env)
    assert result.code in (0, 3), result.err  # check: 3, it found something
    return result


def _ids(args: tuple[str, ...]) -> str:
    return " ".join(args)


def _no_cut(text: str) -> list[str]:
    """Lines where an ellipsis cuts a number, a date or a code."""
    return [line for line in text.splitlines() if re.search(r"[0-9A-Z_/.,-]…", line)]


@pytest.mark.parametrize("args", READ_COMMANDS, ids=_ids)
def test_wide_output_cuts_nothing(year_db: Path, args: tuple[str, ...]) -> None:
    text = _run(year_db, WIDE, args).out
    assert not _no_cut(text)
    assert _tokens(text)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", READ_COMMANDS, ids=_ids)
def test_every_number_date_and_code_whole(year_db: Path, args: tuple[str, ...], width: int) -> None:
    """What the widest layout shows, the narrow one shows too, each token whole."""
    wide = _tokens(_run(year_db, WIDE, args).out)
    text = _run(year_db, width, args).out
    assert not _no_cut(text), _no_cut(text)[:5]
    missing = sorted(wide - _tokens(text))
    assert not missing, f"{len(missing)} cut or lost at {width} columns: {missing[:20]}"
    too_wide = [line for line in text.splitlines() if len(line) > width and "─" in line]
    assert not too_wide


def _json_values(data: object, keys: tuple[str, ...], skip: str = "") -> Iterator[str]:
    """The values of ``keys`` anywhere in ``data``, but under ``skip``."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == skip:
                continue
            if key in keys and isinstance(value, (str, int)) and not isinstance(value, bool):
                yield str(value)
            else:
                yield from _json_values(value, keys, skip)
    elif isinstance(data, list):
        for item in data:
            yield from _json_values(item, keys, skip)


JSON_CODES = ("unit", "indicator", "code", "id", "rank", "date", "as_of")


@pytest.mark.parametrize(
    "args",
    [a for a in READ_COMMANDS if a[0] not in ("verify", "db")],
    ids=_ids,
)
def test_the_codes_ids_and_dates_of_the_json_are_in_the_table(
    year_db: Path, args: tuple[str, ...]
) -> None:
    data = json.loads(_run(year_db, WIDE, (*args, "--json")).out)
    for width in (60, 80):
        shown = _tokens(_run(year_db, width, args).out)
        # a ranking's JSON holds each unit's scorecard too: ``show`` prints those parts
        skip = "parts" if args[0] == "rank" else ""
        for value in set(_json_values(data, JSON_CODES, skip)):
            if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
                y, m, d = value.split("-")
                value = f"{d}/{m}/{y}"
            assert value in shown or f"#{value}" in shown, (value, width)


# --------------------------------------------- history: what was typed, in Vietnam time


def test_history_shows_the_total_typed_and_the_increment_in_vietnam_time(ready) -> None:
    for value, day in (("30", "2026-03-31"), ("50", "2026-06-30")):
        done = ready("report", "K03", "VIEC_LAM", value, "--total", "--date", day)
        assert done.code == 0, done.err
    entries = json.loads(ready("history", "--json").out)
    assert [(e["reported_total"], e["value"]) for e in entries] == [(50, 20), (30, 30)]
    wide = ready("history", env={"COLUMNS": str(WIDE)}).out
    assert "lũy kế 50 (phát sinh 20)" in wide
    assert "lũy kế 30 (phát sinh 30)" in wide
    assert "Ghi lúc (giờ VN, UTC+7)" in wide
    for width in (*WIDTHS, WIDE):
        text = ready("history", env={"COLUMNS": str(width)}).out
        shown = _tokens(text)
        assert {"50", "20", "30", "UTC+7"} <= shown
        for entry in entries:  # recorded_at is UTC in the JSON; the table shows Vietnam's clock
            moment = datetime.fromisoformat(entry["recorded_at"]) + timedelta(hours=7)
            assert {moment.strftime("%d/%m/%Y"), moment.strftime("%H:%M")} <= shown
    english = ready("--lang", "en", "history", env={"COLUMNS": str(WIDE)}).out
    assert "UTC+7" in english


def test_history_of_a_total_corrected_shows_the_new_total(ready) -> None:
    assert ready("report", "K03", "VIEC_LAM", "30", "--total", "--date", "2026-03-31").code == 0
    assert ready("report", "K03", "VIEC_LAM", "50", "--total", "--date", "2026-06-30").code == 0
    assert ready("correct", "2", "60", "--reason", "nhầm").code == 0
    assert "lũy kế 60 (phát sinh 30)" in ready("history", env={"COLUMNS": str(WIDE)}).out


# ------------------------------------------- indicators: milestones, tolerance, weight


def test_indicators_show_milestones_tolerance_and_weight(ready, tmp_path: Path) -> None:
    plan = plan_copy(
        tmp_path,
        'kind = "cumulative"\nrollup = "sum"\n',
        'kind = "cumulative"\nrollup = "sum"\nmilestones = [20, 50, 80.5]\nweight = 2\n',
    )
    assert ready("init", str(plan)).code == 0
    data = {row["code"]: row for row in json.loads(ready("indicators", "--json").out)}
    assert data["THU_NS"]["milestones"] == [20, 50, 80.5]
    assert data["THU_NS"]["weight"] == 2
    assert data["VIEC_LAM"]["tolerance"] == 5
    wide = ready("indicators", env={"COLUMNS": str(WIDE)}).out
    assert re.search(r"THU_NS .* 20; 50; 80,5 +— +2 *$", wide, re.M), wide
    assert re.search(r"VIEC_LAM .* — +5 % +1 *$", wide, re.M), wide
    assert all(heading in wide for heading in ("Mốc quý I, II, III", "Dung sai", "Trọng số"))
    for width in WIDTHS:
        shown = _tokens(ready("indicators", env={"COLUMNS": str(width)}).out)
        assert {"20", "50", "80,5", "5"} <= shown


@functools.cache
def _run_english(path: Path, width: int, args: tuple[str, ...]) -> Run:
    extra = ("--as-of", "2026-12-20") if args[0] in REVIEWS and "--period" not in args else ()
    env = {"COLUMNS": str(width), "THIDUA_YEAR": "2026"}
    result = run_thidua(path, path.parent, "--lang", "en", *args, *extra, env=env)
    assert result.code in (0, 3), result.err
    return result


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("args", READ_COMMANDS, ids=_ids)
def test_in_english_nothing_is_cut_either(year_db: Path, args: tuple[str, ...], width: int) -> None:
    """English headings are longer ("Received", "Commendation"): no word of a heading or a
    cell ends in an ellipsis at any width; the narrower layout is taken instead."""
    text = _run_english(year_db, width, args).out
    cut = [line for line in text.splitlines() if re.search(r"\w…", line)]
    assert not cut, cut[:5]
