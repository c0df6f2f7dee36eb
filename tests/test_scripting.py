"""Scripts and cron: every read command in every format, exit codes, checks, keys, stdin."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import run_thidua
from helpers import assert_refused, dump, figure_count, plan_copy
from thiduaCLI.files import formats
from thiduaCLI.files.formats import flatten

# command line -> where its rows sit in the JSON answer (None: the answer is the list)
READ_COMMANDS = {
    "status --period 2026-H1": "indicators",
    "rank --period 2026-H1": "rows",
    "rank --period 2026-H1 --shortlist": "proposals",
    "show K01 --period 2026-H1": "parts",
    "history": None,
    "history --targets": None,
    "indicators": None,
    "units": None,
    "overdue --as-of 2026-06-30": "units",
    "check --behind --overdue 3650 --below 101 --as-of 2026-06-30": "findings",
}


@pytest.fixture(scope="session")
def busy_template(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Made once: a database with a few figures of different kinds, and one target changed."""
    folder = tmp_path_factory.mktemp("busy")
    db = folder / "thidua.sqlite3"
    shutil.copy2(template_db, db)
    changed = plan_copy(
        folder,
        "targets = { VIEC_LAM = 50 }, sizes = { population = 3400",
        "targets = { VIEC_LAM = 55 }, sizes = { population = 3400",
    )
    assert run_thidua(db, folder, "init", str(changed)).code == 0
    for args in (
        ("K01", "VIEC_LAM", "30", "--date", "2026-03-31", "--note", "=SUM(A1)"),
        ("K01", "BHYT", "3000/3200", "--date", "2026-06-30"),
        ("K01", "NUOC_SACH", "100", "--date", "2026-06-30"),
        ("K01", "RAC_THAI", "95", "--date", "2026-06-30"),
        ("K02", "VIEC_LAM", "10", "--date", "2026-06-30"),
        ("PHUONG", "TANG_TRUONG", "-1,5", "--date", "2026-06-30"),
    ):
        assert run_thidua(db, folder, "report", *args).code == 0
    return db


@pytest.fixture
def busy(thidua, db: Path, busy_template: Path):
    """``thidua`` on a copy of the busy database."""
    shutil.copy2(busy_template, db)
    return thidua


def _rows(data: object, key: str | None) -> list[dict]:
    return data if key is None else data[key]  # type: ignore[index, return-value]


def _as_text(value: object) -> str:
    """How CSV and Markdown write a JSON value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@pytest.mark.parametrize("command", list(READ_COMMANDS))
def test_every_format_carries_the_same_rows_and_fields(busy, command: str) -> None:
    args = command.split()
    key = READ_COMMANDS[command]
    answer = busy(*args, "--format", "json")
    assert answer.code in (0, 3), answer.err
    data = json.loads(answer.out)
    assert json.loads(busy(*args, "--json").out) == data
    expected = [flatten(row) for row in _rows(data, key)]
    assert expected, "the scenario should give rows"

    parsed = list(csv.DictReader(io.StringIO(busy(*args, "--format", "csv").out)))
    assert len(parsed) == len(expected)
    for got, want in zip(parsed, expected, strict=True):
        assert list(got) == list(want)  # the same field names, in the same order
        for name, value in want.items():
            text = _as_text(value)
            cell = got[name]
            if isinstance(value, str) and value.startswith(("=", "+", "-", "@")):
                assert cell == f"'{value}"  # safe to open in a spreadsheet
            elif isinstance(value, int | float) and not isinstance(value, bool):
                # the same number; a score keeps its decimals in CSV (98.20, 0.00)
                assert Decimal(cell) == Decimal(repr(value))
            else:
                assert cell == text


# What a person's copy must never show: raw state codes, English field names as headings,
# a ratio or a number with the dot of a machine's decimal (a thousands dot has 3 digits).
RAW_STATES = re.compile(r"\b(on_track|behind|not_achieved|no_data|achieved)\b")
MACHINE_DECIMAL = re.compile(r"\d\.(\d{1,2}|\d{4,})(?!\d)")


def _markdown_tables(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """The (headings, rows) of every Markdown table in ``text``."""
    tables: list[tuple[list[str], list[list[str]]]] = []
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.startswith("| ") and (number == 0 or not lines[number - 1].startswith("|")):
            block = [line]
            for after in lines[number + 1 :]:
                if not after.startswith("|"):
                    break
                block.append(after)
            cells = [[cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]] for row in block]
            assert set("".join(cells[1])) <= set("-:"), block[1]
            tables.append((cells[0], cells[2:]))
    return tables


@pytest.mark.parametrize("command", list(READ_COMMANDS))
def test_markdown_and_text_are_the_tables_for_people(busy, command: str) -> None:
    """Markdown and text show what the table shows: Vietnamese headings, every row, numbers
    in the ward's format, states in words; the text is one block of lines a row."""
    args = command.split()
    answer = busy(*args, "--format", "markdown")
    assert answer.code in (0, 3), answer.err
    tables = _markdown_tables(answer.out)
    assert tables, answer.out
    text = busy(*args, "--format", "text").out
    for shown in (answer.out, text):
        assert not RAW_STATES.search(shown), RAW_STATES.search(shown)
        assert not MACHINE_DECIMAL.search(shown), MACHINE_DECIMAL.search(shown)
    for headings, rows in tables:
        assert "Mã" in headings or "Chỉ tiêu" in headings or "Lúc ghi" in headings, headings
        for row in rows:
            assert len(row) == len(headings)
            first = next(
                (cell, heading) for cell, heading in zip(row, headings, strict=True) if cell
            )
            # the row's first filled cell opens a "Heading: value" line in the text
            value = first[0].split("<br>")[0].replace("\\", "")
            assert f"{first[1]}: {value}" in text
    blocks = [block for block in text.split("\n\n") if ": " in block]
    assert len(blocks) >= sum(len(rows) for _, rows in tables)


def test_people_formats_speak_english_with_lang_en(busy) -> None:
    markdown = busy("--lang", "en", "status", "--period", "2026-H1", "--format", "markdown").out
    assert "| Indicator | Target |" in markdown
    assert "Progress, first half of 2026 (to 30 Jun 2026)" in markdown
    text = busy("--lang", "en", "status", "--period", "2026-H1", "--format", "text").out
    assert "Indicator: TANG_TRUONG\n  Tốc độ tăng trưởng kinh tế\nTarget: ≥ 12.5 %\n" in text
    assert "Status: No figures yet\n" in text
    assert "Tình trạng" not in text


def test_people_formats_show_names_and_notes_literally(busy) -> None:
    """Markdown characters in a note are escaped, never read as markup; control codes shown."""
    text = busy("history", "K01", "VIEC_LAM", "--format", "markdown").out
    assert "=SUM\\(A1)" not in text  # parentheses are not Markdown: left as written
    assert "=SUM(A1)" in text


def test_check_groups_by_problem_and_unit(busy) -> None:
    args = ("check", "--behind", "--overdue", "3650", "--below", "101", "--as-of", "2026-06-30")
    data = json.loads(busy(*args, "--json").out)
    text = busy(*args, "--format", "text").out
    by_problem: dict[str, set[str]] = {}
    for finding in data["findings"]:
        by_problem.setdefault(finding["check"], set()).add(finding["unit"])
    titles = {
        "behind": "Chậm tiến độ",
        "below": "Điểm thấp",
        "overdue": "Quá hạn báo cáo",
    }
    for check, units in by_problem.items():
        found = sum(1 for finding in data["findings"] if finding["check"] == check)
        assert f"{titles[check]}: {len(units)} đơn vị, {found} mục\n" in text
    # one block a unit under its problem: K01's behind indicators are lines of one block
    below = text.split("Điểm thấp:")[1]
    assert below.count("Mã: K01\n") == 1


def test_history_as_ndjson(busy) -> None:
    data = json.loads(busy("history", "--json").out)
    lines = busy("history", "--format", "ndjson").out.splitlines()
    assert [json.loads(line) for line in lines] == data


@pytest.mark.parametrize("command", ["status", "indicators", "rank", "units"])
def test_ndjson_is_for_history_only(ready, command: str) -> None:
    result = ready(command, "--format", "ndjson")
    assert result.code == 2
    assert result.err == (
        "Lỗi: --format ndjson: chọn một trong table, json, csv, markdown, text "
        f"(xem: thidua {command} --help)\n"
    )


def test_json_and_another_format_together_is_a_usage_error(ready) -> None:
    result = ready("status", "--json", "--format", "csv")
    assert (result.code, result.err) == (
        2,
        "Lỗi: --json là viết tắt của --format json, không dùng cùng --format csv "
        "(xem: thidua status --help)\n",
    )


# ------------------------------------------------------------------------------ check


def test_check_finds_nothing_and_exits_0(ready) -> None:
    result = ready("check", "--below", "0", "--as-of", "2026-06-30", "--json")
    assert result.code == 0
    data = json.loads(result.out)
    assert (data["found"], data["findings"], data["checks"]) == (0, [], ["below"])


def test_check_behind_finds_ward_indicators_behind_and_exits_3(busy) -> None:
    result = busy("check", "--behind", "--period", "2026-H1", "--json")
    assert result.code == 3
    found = {(f["indicator"], f["state"]) for f in json.loads(result.out)["findings"]}
    # 40 jobs by 30 June against 1.400 × 181/365 = 694,2 expected; growth −1,5 % < 12,5 %
    assert ("VIEC_LAM", "behind") in found
    assert ("TANG_TRUONG", "behind") in found
    assert all(state in ("behind", "not_achieved", "no_data") for _, state in found)
    jobs = next(f for f in json.loads(result.out)["findings"] if f["indicator"] == "VIEC_LAM")
    assert (jobs["value"], jobs["threshold"]) == (40, pytest.approx(1400 * 181 / 365))


def test_check_overdue_lists_what_was_never_or_long_ago_reported(busy) -> None:
    data = json.loads(busy("check", "--overdue", "3650", "--as-of", "2026-12-31", "--json").out)
    overdue = {(f["unit"], f["indicator"]) for f in data["findings"]}
    assert ("K01", "VIEC_LAM") not in overdue  # reported today, within ten years
    assert ("K02", "BHYT") in overdue  # never reported
    never = next(f for f in data["findings"] if (f["unit"], f["indicator"]) == ("K02", "BHYT"))
    assert (never["value"], never["threshold"], never["state"]) == (None, 3650, "never")
    # today's figures are at most 0 days old on the day they were recorded
    from datetime import date

    today = date.today().isoformat()
    fresh = json.loads(busy("check", "--overdue", "0", "--as-of", today, "--json").out)
    assert ("K01", "VIEC_LAM") not in {(f["unit"], f["indicator"]) for f in fresh["findings"]}


def test_check_below_a_score(busy) -> None:
    result = busy("check", "--below", "50", "--period", "2026", "--json")
    assert result.code == 3
    low = {f["unit"]: f for f in json.loads(result.out)["findings"]}
    assert "K02" in low and "K01" not in low
    assert low["K02"]["threshold"] == 50


def test_check_needs_a_check(ready, db: Path) -> None:
    before = dump(db)
    result = ready("check")
    assert (result.code, result.err) == (
        2,
        "Lỗi: chọn ít nhất một kiểm tra: --behind, --missing, --overdue DAYS, --below SCORE "
        "(xem: thidua check --help)\n",
    )
    assert dump(db) == before


# --------------------------------------------------------------------- reporting rates


def test_a_key_records_once(ready, db: Path) -> None:
    args = ("report", "K01", "VIEC_LAM", "5", "--date", "2026-05-31", "--key", "cron-k01-05")
    first = ready(*args)
    assert first.code == 0
    again = ready(*args)
    assert (again.code, again.out) == (
        0,
        "Đã có số liệu #1 với khóa 'cron-k01-05'; không ghi lại.\n",
    )
    as_json = json.loads(ready(*args, "--json").out)
    assert (as_json["id"], as_json["key"], as_json["duplicate"]) == (1, "cron-k01-05", True)
    assert figure_count(db) == 1
    assert (
        json.loads(
            ready(
                "report", "K01", "VIEC_LAM", "5", "--date", "2026-05-31", "--key", "other", "--json"
            ).out
        )["duplicate"]
        is False
    )


def test_quiet_prints_nothing_on_success(thidua, db: Path, tmp_path: Path) -> None:
    result = thidua("report", "K01", "VIEC_LAM", "5", "--date", "2026-05-31", "--quiet")
    assert (result.code, result.out, result.err) == (0, "", "")  # not even the creation note
    assert figure_count(db) == 1
    source = tmp_path / "a.csv"
    source.write_text("unit,indicator,value,date\nK02,VIEC_LAM,1,2026-05-31\n", encoding="utf-8")
    assert thidua("import", str(source), "-q").out == ""
    assert thidua("retract", "1", "--reason", "x", "-q").out == ""
    assert thidua("backup", str(tmp_path / "b.sqlite3"), "-q").out == ""
    bad = thidua("report", "K99", "VIEC_LAM", "5", "--quiet")
    assert bad.code == 1 and bad.err.startswith("Lỗi:")  # errors are never quiet


def test_nothing_but_the_answer_on_stdout(thidua) -> None:
    """On a new database the creation note goes to stderr; stdout parses as the format."""
    result = thidua("status", "--format", "csv")
    assert result.err.startswith("Ghi chú: Đã tạo cơ sở dữ liệu mới")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert len(rows) == 13


def test_no_prompt_when_standard_input_is_not_a_terminal(ready) -> None:
    result = ready("report", "K01", "VIEC_LAM", "5", "--date", "2026-05-31", stdin="y\n")
    assert result.code == 0  # answered without reading anything


# ------------------------------------------------------------------ the exit contract


EXIT_CASES = [
    # (command line, expected exit code)
    ("init", 0),
    ("init no-such-plan.toml", 1),
    ("init --bogus", 2),
    ("report K01 VIEC_LAM 5 --date 2026-05-31", 0),
    ("report K99 VIEC_LAM 5", 1),
    ("report K01", 2),
    ("status", 0),
    ("status --as-of 2025-01-01", 1),
    ("status --as-of 2026-01-01 --period 2026", 2),
    ("rank", 0),
    ("rank --block XYZ", 1),
    ("rank --format pdf", 2),
    ("show K01", 0),
    ("show K99", 1),
    ("show", 2),
    ("indicators", 0),
    ("indicators --year 2030", 1),
    ("indicators --format pdf", 2),
    ("units", 0),
    ("units --year 2030", 1),
    ("units --bogus", 2),
    ("history", 0),
    ("history K99", 1),
    ("history --bogus", 2),
    ("correct 999 5 --reason x", 1),
    ("correct 1 5", 2),
    ("retract 999 --reason x", 1),
    ("retract 1", 2),
    ("import no-such-file.csv", 1),
    ("import", 2),
    ("export", 0),
    ("export --year 2030", 1),
    ("export --format pdf", 2),
    ("backup {tmp}/sao-luu.sqlite3", 0),
    ("backup {db}", 1),
    ("backup", 2),
    ("db path", 0),
    ("db nothing", 2),
    ("check --below 0", 0),
    ("check --overdue 1", 3),
    ("check --below abc", 2),
    ("overdue", 0),
    ("overdue --as-of 2030-01-01", 1),
    ("overdue --bogus", 2),
]


@pytest.mark.parametrize(("line", "code"), EXIT_CASES, ids=[line for line, _ in EXIT_CASES])
def test_every_command_keeps_the_exit_contract(ready, db, tmp_path, line: str, code: int) -> None:
    args = line.format(tmp=tmp_path, db=db).split()
    if "--year" in args:  # a global option goes before the command
        at = args.index("--year")
        args = [*args[at : at + 2], *args[:at], *args[at + 2 :]]
    result = ready(*args)
    assert result.code == code, result.err
    if code in (1, 2):
        assert result.err.startswith("Lỗi:")
        assert result.err.count("\n") == 1
        assert "Traceback" not in result.err


# -------------------------------------------------------------------- found in review


def test_an_empty_key_is_a_usage_error(ready, db: Path) -> None:
    before = dump(db)
    result = ready("report", "K01", "VIEC_LAM", "5", "--date", "2026-05-31", "--key", " ")
    assert (result.code, result.err) == (
        2,
        "Lỗi: --key không được để trống (bỏ --key nếu không cần) (xem: thidua report --help)\n",
    )
    assert dump(db) == before


def test_a_key_reused_for_other_data_is_refused(ready, db: Path) -> None:
    ready("report", "K01", "VIEC_LAM", "5", "--date", "2026-05-31", "--key", "k1")
    before = dump(db)
    result = ready("report", "K02", "VIEC_LAM", "99", "--date", "2026-05-31", "--key", "k1")
    assert_refused(
        result,
        "khóa 'k1' đã dùng cho số liệu #1 khác (K01 VIEC_LAM 5 ngày 31/05/2026); dùng khóa khác",
        db,
        before,
    )


def test_a_key_with_a_total_compares_the_total_typed(ready, db: Path) -> None:
    """A --total figure sent again with its key is a duplicate only when the total typed is
    the same; another total (or the same number sent as an increment) is other data."""
    args = ("report", "K01", "VIEC_LAM", "--date", "2026-05-31", "--key", "tk")
    first = ready(*args[:3], "40", *args[3:], "--total")
    assert first.code == 0
    again = ready(*args[:3], "40", *args[3:], "--total", "--json")
    assert json.loads(again.out)["duplicate"] is True
    before = dump(db)
    refused = (
        "khóa 'tk' đã dùng cho số liệu #1 khác (K01 VIEC_LAM 40 ngày 31/05/2026); dùng khóa khác"
    )
    assert_refused(ready(*args[:3], "55", *args[3:], "--total"), refused, db, before)
    assert_refused(ready(*args[:3], "40", *args[3:]), refused, db, before)


def test_check_behind_counts_no_data_where_something_is_expected(ready) -> None:
    data = json.loads(ready("check", "--behind", "--as-of", "2026-06-30", "--json").out)
    found = {f["indicator"]: f["state"] for f in data["findings"]}
    assert found["THU_NS"] == "no_data"  # cumulative: 53 tỷ expected by 30 June
    assert "BHYT" not in found  # a level indicator with no data is only late at year end
    year_end = json.loads(ready("check", "--behind", "--as-of", "2026-12-31", "--json").out)
    assert {f["indicator"] for f in year_end["findings"]} >= {"THU_NS", "BHYT"}


def test_check_below_needs_a_finite_score(ready) -> None:
    for score in ("nan", "inf"):
        result = ready("check", "--below", score)
        assert result.code == 2
        assert result.err.startswith(f"Lỗi: --below {score}")


def test_empty_csv_answers_keep_their_header(ready) -> None:
    for args in (
        ("rank", "--shortlist"),
        ("history", "--targets"),
        ("history",),
        ("check", "--below", "0"),
    ):
        out = ready(*args, "--format", "csv").out
        assert len(out.splitlines()) == 1  # the header, nothing else
        assert out.split(",")[0] in ("block", "unit", "id", "check")


def test_a_formula_behind_a_tab_is_made_safe_too(ready) -> None:
    ready("report", "K01", "VIEC_LAM", "5", "--date", "2026-01-31", "--note", "\t=1+1")
    rows = list(csv.DictReader(io.StringIO(ready("history", "--format", "csv").out)))
    assert rows[0]["note"] == "'\t=1+1"


@pytest.mark.parametrize("chunks_a_write", [1, 7, 65_536])
def test_json_is_written_in_pieces_as_one_document(monkeypatch, chunks_a_write: int) -> None:
    """However many pieces a write holds, the output is json.dumps' text and a line break."""
    monkeypatch.setattr(formats, "_CHUNKS_A_WRITE", chunks_a_write)
    data = {
        "rows": [{"unit": f"Khóm {n}", "score": n / 3, "on": [1, None, True]} for n in range(50)],
        "as_of": "2026-06-30",
        "empty": {},
    }
    stream = io.StringIO()
    formats.write_json(data, stream)
    assert stream.getvalue() == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert json.loads(stream.getvalue()) == data


def test_check_names_the_missing_period_in_words(busy) -> None:
    """The last period due on 11 July is June: "tháng 6/2026", not "kỳ 6"."""
    text = busy("check", "--missing", "--as-of", "2026-07-11", "--format", "text").out
    assert (
        "Mã: K02\nĐơn vị: Khóm 2\nChi tiết: BHYT: chưa có số liệu tháng 6/2026 (đã quá hạn)\n"
        in (text)
    )
    english = busy("--lang", "en", "check", "--missing", "--as-of", "2026-07-11", "-f", "text")
    assert "BHYT: no figures for 6/2026 (past due)" in english.out
