"""thidua brief: the review meeting's papers, re-read by their own libraries (python-docx,
openpyxl, an HTML parser) and checked cell by cell against status, rank and show --json as
people read them."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from conftest import run_thidua
from helpers import dump, plan_copy
from thiduaCLI.text.numbers import format_number, format_percent, format_quantity

SIGNS = {">": ">", ">=": "≥", "~": "≈", "<=": "≤", "<": "<"}
STATES = {
    "achieved": "Đạt",
    "on_track": "Đúng tiến độ",
    "behind": "Chậm tiến độ",
    "not_achieved": "Không đạt",
    "no_data": "Chưa có số liệu",
}
FIGURES_2026 = (
    ("K01", "VIEC_LAM", "30", "2026-03-31"),
    ("K01", "VIEC_LAM", "20", "2026-06-30"),
    ("K01", "BHYT", "3100/3200", "2026-06-30"),
    ("K01", "NUOC_SACH", "100", "2026-06-30"),
    ("K01", "RAC_THAI", "95", "2026-06-30"),
    ("K02", "VIEC_LAM", "5", "2026-05-31"),
    ("K02", "BHYT", "2000/3000", "2026-06-30"),
    ("K02", "NUOC_SACH", "99", "2026-06-30"),
    ("K02", "RAC_THAI", "96", "2026-06-30"),
    ("K03", "VIEC_LAM", "26", "2026-06-30"),
    ("K03", "BHYT", "3000/3100", "2026-06-30"),
    ("K03", "NUOC_SACH", "100", "2026-06-30"),
    ("K03", "RAC_THAI", "97", "2026-06-30"),
)


@dataclass(frozen=True)
class Papers:
    folder: Path
    out: str
    status: dict
    rank: dict
    shortlist: dict
    db: Path


@pytest.fixture(scope="module")
def papers(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Papers:
    """A ward with last year's plan and figures, half a year of figures, and its papers."""
    folder = tmp_path_factory.mktemp("brief")
    db = folder / "thidua.sqlite3"
    shutil.copy2(template_db, db)
    last_year = plan_copy(folder, "year = 2026", "year = 2025")
    assert run_thidua(db, folder, "init", str(last_year)).code == 0
    done = run_thidua(
        db, folder, "--year", "2025", "report", "K01", "VIEC_LAM", "40", "--date", "2025-06-30"
    )
    assert done.code == 0, done.err
    for unit, indicator, value, day in FIGURES_2026:
        done = run_thidua(
            db, folder, "--year", "2026", "report", unit, indicator, value, "--date", day
        )
        assert done.code == 0, done.err

    def read(*args: str) -> dict:
        done = run_thidua(db, folder, "--year", "2026", *args, "--period", "2026-H1", "--json")
        assert done.code == 0, done.err
        return json.loads(done.out)

    made = run_thidua(db, folder, "--year", "2026", "brief", "--period", "2026-H1", "-o", "giay-to")
    assert made.code == 0, made.err
    return Papers(
        folder / "giay-to",
        made.out,
        read("status"),
        read("rank"),
        read("rank", "--shortlist"),
        db,
    )


def _quantity(value: float | None, measure: str) -> str:
    return format_quantity(None if value is None else _decimal(value), measure)


def _decimal(value: float):
    from decimal import Decimal

    return Decimal(repr(value))


def _percent(value: float | None) -> str:
    return format_percent(None if value is None else _decimal(value))


def test_brief_writes_four_papers_and_says_so(papers: Papers) -> None:
    names = [
        "bao-cao-2026-H1.docx",
        "to-trinh-khen-thuong-2026-H1.docx",
        "so-lieu-2026-H1.xlsx",
        "bang-tin-2026-H1.html",
    ]
    assert papers.out == "".join(f"Đã lập giay-to/{name}.\n" for name in names)
    assert sorted(path.name for path in papers.folder.iterdir()) == sorted(names)


def _report(papers: Papers):
    return Document(str(papers.folder / "bao-cao-2026-H1.docx"))


def test_the_report_is_laid_out_as_an_administrative_document(papers: Papers) -> None:
    document = _report(papers)
    section = document.sections[0]
    sizes = [
        round(length.mm)
        for length in (
            section.page_width,
            section.page_height,
            section.top_margin,
            section.bottom_margin,
            section.left_margin,
            section.right_margin,
        )
    ]
    assert sizes == [210, 297, 20, 20, 30, 15]  # A4; Decree 30's margins
    normal = document.styles["Normal"].font
    assert (normal.name, normal.size.pt) == ("Times New Roman", 14)
    head = document.tables[0]
    left, right = (cell.text.split("\n") for cell in head.rows[0].cells)
    assert left == ["ỦY BAN NHÂN DÂN", "PHƯỜNG MỸ THỚI", "———", "Số:      /BC-UBND"]
    today = date.today()
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    assert right == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "———————————",
        f"Mỹ Thới, ngày {today.day:02d} tháng {month} năm {today.year}",
    ]
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "BÁO CÁO" in texts
    assert "Kết quả phong trào thi đua 6 tháng đầu năm 2026 (đến 30/06/2026)" in texts
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU",
        "II. XẾP HẠNG CÁC KHỐI THI ĐUA",
        "III. ĐƠN VỊ CHẬM TIẾN ĐỘ VÀ VIỆC CẦN LÀM",
        "IV. TÍNH KỊP THỜI CỦA BÁO CÁO",
        "V. ĐỀ XUẤT KHEN THƯỞNG",
    ]
    signature = document.tables[-1].rows[0].cells[1].text
    assert signature == "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"
    # the page number at the top, centred, from page 2 on
    assert section.different_first_page_header_footer
    assert 'w:instr="PAGE"' in section.header._element.xml
    recipients = [p.text for p in document.tables[-1].rows[0].cells[0].paragraphs]
    assert recipients == [
        "Nơi nhận:",
        "- Thường trực Đảng ủy, HĐND phường;",
        "- Hội đồng Thi đua - Khen thưởng;",
        "- Lưu: VT.",
    ]


def test_the_reports_indicator_table_is_status_as_people_read_it(papers: Papers) -> None:
    table = _report(papers).tables[1]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == [
        "STT",
        "Chỉ tiêu",
        "Chỉ tiêu giao",
        "Thực hiện",
        "Tỷ lệ",
        "Dự kiến đến nay",
        "Tình trạng",
        "Cùng kỳ năm trước",
        "So với cùng kỳ",
    ]
    indicators = papers.status["indicators"]
    assert len(rows) == 1 + len(indicators)
    for number, (row, item) in enumerate(zip(rows[1:], indicators, strict=True), 1):
        expected = "" if item["expected"] is None else _quantity(item["expected"], item["measure"])
        assert row[:7] == [
            str(number),
            item["name"],
            f"{SIGNS[item['comparator']]} {_quantity(item['target'], item['measure'])}",
            _quantity(item["value"], item["measure"]),
            _percent(item["attainment"]),
            expected,
            STATES[item["state"]],
        ]
    by_code = {item["code"]: row for item, row in zip(indicators, rows[1:], strict=True)}
    # hand-computed: 30 + 20 + 5 + 26 = 81 jobs by 30 June; 40 the same day of 2025 (202,5 %)
    assert by_code["VIEC_LAM"][3] == "81 lao động"
    assert by_code["VIEC_LAM"][7:] == ["40 lao động", "202,5 %"]
    assert by_code["VIEC_LAM"][2] == "≈ 1.400 lao động"
    assert by_code["THU_NS"][7:] == ["—", "—"]  # nothing last year either


def test_the_reports_rankings_are_rank_as_people_read_it(papers: Papers) -> None:
    document = _report(papers)
    tables = [t for t in document.tables if t.rows[0].cells[0].text == "Hạng"]
    blocks: dict[str, list[dict]] = {}
    for row in papers.rank["rows"]:
        blocks.setdefault(row["block"], []).append(row)
    assert len(tables) == len(blocks)
    for table, rows in zip(tables, blocks.values(), strict=True):
        got = [[cell.text for cell in row.cells] for row in table.rows[1:]]
        want = [
            [
                "—" if row["rank"] is None else str(row["rank"]),
                row["unit"],
                row["name"],
                format_number(_decimal(row["score"]), 2, fixed=True),
                row["grade"] if row["eligible"] else "không xếp hạng (báo cáo quá ít chỉ tiêu)",
                f"{row['reported']}/{row['expected']}",
            ]
            for row in rows
        ]
        assert got == want
    # a picture a chart: one per indicator and one per block
    assert len(document.inline_shapes) == len(papers.status["indicators"]) + len(blocks)


def test_the_report_names_units_behind_timeliness_and_the_shortlist(papers: Papers) -> None:
    document = _report(papers)
    behind = next(
        t for t in document.tables if t.rows[0].cells[-1].text.startswith("Chỉ tiêu chậm")
    )
    units = [row.cells[0].text for row in behind.rows[1:]]
    assert "K02" in units  # 5 jobs of 25 expected by 30 June
    k02 = next(row.cells[2].text for row in behind.rows[1:] if row.cells[0].text == "K02")
    # hand-computed: 5 of 50 × 181/365 = 24,79 expected (20,2 %); (50 − 5) / 6 months = 7,5
    assert "VIEC_LAM: đạt 20,2 % so với dự kiến; cần thêm 7,5 lao động/tháng" in k02.split("\n")
    texts = "\n".join(paragraph.text for paragraph in document.paragraphs)
    # every 2026 figure was filed in December, after its due day: none on time
    assert "nộp đúng hạn: 0 (0,0 %)" in texts
    proposals = [t for t in document.tables if t.rows[0].cells[-1].text == "Căn cứ"]
    listed = [row.cells[1].text for table in proposals for row in table.rows[1:]]
    assert listed == [f"{p['name']} ({p['unit']})" for p in papers.shortlist["proposals"]]


def test_the_proposal_lists_each_form_of_commendation(papers: Papers) -> None:
    document = Document(str(papers.folder / "to-trinh-khen-thuong-2026-H1.docx"))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert "TỜ TRÌNH" in texts
    assert (
        "Về việc đề nghị khen thưởng thành tích phong trào thi đua 6 tháng đầu năm 2026 "
        "(đến 30/06/2026)"
    ) in texts
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân phường Mỹ Thới." in texts
    # the council proposes, to the chairperson of the People's Committee
    assert document.tables[0].rows[0].cells[0].text.split("\n") == [
        "HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG",
        "PHƯỜNG MỸ THỚI",
        "———",
        "Số:      /TTr-HĐTĐKT",
    ]
    assert document.tables[-1].rows[0].cells[1].text == "TM. HỘI ĐỒNG\nCHỦ TỊCH"
    recipients = [p.text for p in document.tables[-1].rows[0].cells[0].paragraphs]
    assert recipients == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    proposals = papers.shortlist["proposals"]
    forms = {p["commendation"] for p in proposals}
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert len(headings) == len(forms) and forms
    rows = [
        [cell.text for cell in row.cells]
        for table in document.tables[1:-1]
        for row in table.rows[1:]
    ]
    assert [(row[1], row[6]) for row in rows] == [
        (f"{p['name']} ({p['unit']})", p["reason"]) for p in proposals
    ]


def test_the_workbook_holds_numbers_with_formats(papers: Papers) -> None:
    book = load_workbook(papers.folder / "so-lieu-2026-H1.xlsx")
    names = book.sheetnames
    assert names[0] == "Tiến độ" and names[-2:] == ["Bảng điểm", "Đề nghị khen thưởng"]
    blocks = {row["block"] for row in papers.rank["rows"]}
    assert sorted(names[1:-2]) == sorted(f"XH {block}" for block in blocks)
    progress = book["Tiến độ"]
    assert progress.freeze_panes == "A2"
    assert progress.page_setup.orientation == "landscape"
    assert int(progress.page_setup.paperSize) == 9  # A4
    assert progress.print_title_rows == "$1:$1"
    values = list(progress.iter_rows(min_row=2, values_only=True))
    for row, item in zip(values, papers.status["indicators"], strict=True):
        assert row[0] == item["code"]
        assert row[4] == item["target"] and row[5] == item["value"]
        assert row[6] == item["attainment"]
    jobs = next(row for row in progress.iter_rows(min_row=2) if row[0].value == "VIEC_LAM")
    # a whole number without a trailing decimal mark ("81", never "81.")
    assert (jobs[5].value, jobs[5].number_format, jobs[6].number_format) == (81, "#,##0", "0.0%")
    target = next(row for row in progress.iter_rows(min_row=2) if row[0].value == "TANG_TRUONG")
    assert (target[4].value, target[4].number_format) == (12.5, "#,##0.##")
    khom = book["XH KHOM"]
    ranked = [row for row in papers.rank["rows"] if row["block"] == "KHOM"]
    got = [(r[0], r[2], r[4]) for r in khom.iter_rows(min_row=2, values_only=True)]
    assert got == [(row["rank"], row["unit"], row["score"]) for row in ranked]
    assert khom.cell(2, 5).number_format == "0.00"
    cards = list(book["Bảng điểm"].iter_rows(min_row=2, values_only=True))
    assert len(cards) == sum(len(row["parts"]) for row in papers.rank["rows"])


class _Page(HTMLParser):
    """What a browser would fetch, link to, and show."""

    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.ids: set[str] = set()
        self.text: list[str] = []
        self.lang: str | None = None
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        found = dict(attrs)
        if tag == "html":
            self.lang = found.get("lang")
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "srcset", "poster", "data"):
                self.references.append(value or "")
            if name == "id" and value:
                self.ids.add(value)
            if name == "style" and value and "url(" in value:
                self.references.append(value)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _page(path: Path) -> tuple[_Page, str]:
    html = path.read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    return page, html


def test_the_board_is_one_self_contained_file(papers: Papers) -> None:
    page, html = _page(papers.folder / "bang-tin-2026-H1.html")
    assert page.lang == "vi"
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert all(reference.startswith("#") for reference in page.references), [
        r for r in page.references if not r.startswith("#")
    ]
    assert not re.search(r"url\((?!#)", html) and "@import" not in html  # url(#clip) only
    for reference in page.references:  # every link lands on the page
        assert reference[1:] in page.ids, reference
    text = " ".join(page.text)
    for item in papers.status["indicators"]:
        assert item["name"] in text
    assert page.tags.count("svg") == len(papers.status["indicators"]) + len(
        {row["block"] for row in papers.rank["rows"]}
    )
    assert "@media print" in html and "size: A4" in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_each_chart_has_its_table_beside_it(papers: Papers) -> None:
    html = (papers.folder / "bang-tin-2026-H1.html").read_text(encoding="utf-8")
    jobs = html.split('id="ct-VIEC_LAM"')[1].split("</section>")[0]
    assert jobs.count("<svg") == 1 and jobs.count("<table>") == 1
    # the chart's table: each month's end to 30 June, the figure and the expected road
    assert '<th scope="row">31/03/2026</th><td class="n">30 lao động</td>' in jobs
    assert '<th scope="row">30/06/2026</th><td class="n">81 lao động</td>' in jobs
    assert 'role="img" aria-label="Biểu đồ tiến độ Giải quyết việc làm' in jobs


def test_a_units_scorecard_is_written_alone(papers: Papers) -> None:
    done = run_thidua(
        papers.db,
        papers.folder,
        "--year",
        "2026",
        "brief",
        "--unit",
        "K02",
        "--period",
        "2026-H1",
        "-o",
        "K02",
    )
    assert done.code == 0, done.err
    assert done.out == (
        "Đã lập K02/bang-diem-K02-2026-H1.docx.\nĐã lập K02/bang-diem-K02-2026-H1.html.\n"
    )
    show = json.loads(
        run_thidua(
            papers.db,
            papers.folder,
            "--year",
            "2026",
            "show",
            "K02",
            "--period",
            "2026-H1",
            "--json",
        ).out
    )
    document = Document(str(papers.folder / "K02" / "bang-diem-K02-2026-H1.docx"))
    rows = [[cell.text for cell in row.cells] for row in document.tables[1].rows[1:]]
    assert [row[0].split(" – ")[0] for row in rows] == [p["indicator"] for p in show["parts"]]
    assert [row[6] for row in rows] == [format_number(_decimal(p["points"])) for p in show["parts"]]
    texts = [paragraph.text for paragraph in document.paragraphs]
    score = format_number(_decimal(show["score"]), 2, fixed=True)
    assert f"Điểm: {score}; xếp loại: {show['grade']}." in texts
    page, _html = _page(papers.folder / "K02" / "bang-diem-K02-2026-H1.html")
    assert page.references == [] and "Khóm 2 (K02)" in " ".join(page.text)


def test_a_unit_named_twice_gets_one_scorecard(papers: Papers) -> None:
    done = run_thidua(
        papers.db, papers.folder, "--year", "2026", "brief", "--unit", "K03", "--unit",
        "khom 3", "--period", "2026-H1", "-o", "hai-lan",
    )  # fmt: skip
    assert done.code == 0, done.err
    assert sorted(p.name for p in (papers.folder / "hai-lan").iterdir()) == [
        "bang-diem-K03-2026-H1.docx",
        "bang-diem-K03-2026-H1.html",
    ]


def test_the_papers_read_one_state_of_the_database(papers: Papers, tmp_path: Path) -> None:
    """A figure another process records while the papers are read is in none of them: the
    reads share one read transaction (a snapshot)."""
    from thiduaCLI import open_ledger

    db = tmp_path / "copy.sqlite3"
    shutil.copy2(papers.db, db)
    with open_ledger(db, year=2026) as reader, reader._database.snapshot():
        before = reader.status(date(2026, 6, 30)).indicators
        with open_ledger(db, year=2026) as writer:
            writer.record("K04", "VIEC_LAM", 400, on=date(2026, 6, 30))
        during = reader.status(date(2026, 6, 30)).indicators
    with open_ledger(db, year=2026) as reader:
        after = reader.status(date(2026, 6, 30)).indicators
    jobs = [next(i.value for i in rows if i.code == "VIEC_LAM") for rows in (before, during, after)]
    assert jobs == [81, 81, 481]


def test_a_paper_in_the_way_writes_nothing(papers: Papers) -> None:
    folder = papers.folder.parent / "lan-hai"
    folder.mkdir()
    (folder / "so-lieu-2026-H1.xlsx").write_text("của người khác")
    before = dump(papers.db)
    done = run_thidua(
        papers.db,
        papers.folder.parent,
        "--year",
        "2026",
        "brief",
        "--period",
        "2026-H1",
        "-o",
        "lan-hai",
    )
    assert (done.code, done.out) == (1, "")
    assert done.err == (
        "Lỗi: lan-hai/so-lieu-2026-H1.xlsx: tệp đã có, chọn tên khác để không ghi đè\n"
    )
    assert [p.name for p in folder.iterdir()] == ["so-lieu-2026-H1.xlsx"]
    assert (folder / "so-lieu-2026-H1.xlsx").read_text() == "của người khác"
    assert dump(papers.db) == before


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--unit", "K99"], 1, "Lỗi: không có đơn vị 'K99'; gần nhất: K19 (Khóm 19), K09 (Khóm 9)"),
        (
            ["--period", "2026-13"],
            1,
            "Lỗi: kỳ '2026-13' không hợp lệ (viết 2026-03 cho tháng, 2026-Q2 cho quý, 2026-H1 "
            "cho 6 tháng, 2026 cho cả năm)",
        ),
        (
            ["--as-of", "2026-06-30", "--period", "2026-H1"],
            2,
            "Lỗi: chỉ dùng một trong --as-of và --period (xem: thidua brief --help)",
        ),
    ],
)
def test_bad_input_writes_no_paper(ready, db: Path, tmp_path: Path, args, code, message) -> None:
    before = dump(db)
    done = ready("brief", *args, "-o", "giay-to")
    assert (done.code, done.out, done.err) == (code, "", message + "\n")
    assert not (tmp_path / "giay-to").exists()
    assert dump(db) == before


def test_hostile_names_are_shown_literally_everywhere(thidua, db: Path, tmp_path: Path) -> None:
    plan = plan_copy(
        tmp_path, 'name = "Khóm 1"', 'name = "<script>alert(1)</script> $x^2$ \\u001b[31m"'
    )
    assert thidua("init", str(plan)).code == 0
    assert thidua("report", "K01", "VIEC_LAM", "5", "--date", "2026-03-31").code == 0
    done = thidua("brief", "--as-of", "2026-03-31", "-o", "giay-to")
    assert done.code == 0, done.err
    page, html = _page(tmp_path / "giay-to" / "bang-tin-2026-03-31.html")
    assert "<script>" not in html and "script" not in page.tags
    assert "&lt;script&gt;alert(1)&lt;/script&gt; $x^2$ ␛[31m" in html
    document = Document(str(tmp_path / "giay-to" / "bao-cao-2026-03-31.docx"))
    names = [row.cells[2].text for t in document.tables[2:] for row in t.rows[1:]]
    assert "<script>alert(1)</script> $x^2$ ␛[31m" in names


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (date(2026, 2, 5), "Mỹ Thới, ngày 05 tháng 02 năm 2026"),
        (date(2026, 6, 15), "Mỹ Thới, ngày 15 tháng 6 năm 2026"),
        (date(2026, 12, 31), "Mỹ Thới, ngày 31 tháng 12 năm 2026"),
        (date(2026, 1, 9), "Mỹ Thới, ngày 09 tháng 01 năm 2026"),
    ],
)
def test_the_date_line_follows_decree_30(day: date, line: str) -> None:
    """A 0 before a day below 10 and before months 1 and 2, nowhere else."""
    from thiduaCLI.papers.cells import dated_place

    assert dated_place("Mỹ Thới", day) == line


def test_hostile_plan_texts_reach_charts_workbook_and_board_literally(
    thidua, db: Path, tmp_path: Path
) -> None:
    """Math text for matplotlib, "&" codes for Excel's page header, markup for HTML: in the
    plan's title, an indicator's name and measure, and a block's name."""
    text = (shipped := plan_copy(tmp_path)).read_text(encoding="utf-8")
    for old, new in (
        ('title = "Phong trào', 'title = "&P $\\\\alpha$ <i>Phong trào'),
        ('name = "Giải quyết việc làm"', 'name = "Việc $x^{2}$ & <b>làm</b>"'),
        ('measure = "lao động"', 'measure = "lao $\\\\nope$ động"'),  # bad math text
        ('name = "Khối khóm"', 'name = "Khối &P $\\\\frac{1}{2}$ <khóm>"'),
    ):
        assert old in text
        text = text.replace(old, new, 1)
    shipped.write_text(text, encoding="utf-8")
    assert thidua("init", str(shipped)).code == 0
    assert thidua("report", "K01", "VIEC_LAM", "5", "--date", "2026-03-31").code == 0
    done = thidua("brief", "--as-of", "2026-03-31", "-o", "giay-to")
    assert done.code == 0, done.err
    folder = tmp_path / "giay-to"
    html = (folder / "bang-tin-2026-03-31.html").read_text(encoding="utf-8")
    assert "Việc $x^{2}$ &amp; &lt;b&gt;làm&lt;/b&gt;" in html
    assert "Khối &amp;P $\\frac{1}{2}$ &lt;khóm&gt;" in html
    assert "<b>" not in html and "<i>" not in html
    book = load_workbook(folder / "so-lieu-2026-03-31.xlsx")
    assert book["Tiến độ"].oddHeader.center.text.startswith("&&P $\\alpha$ <i>Phong trào")
    assert book["XH KHOM"].oddHeader.center.text.startswith("Khối &&P $\\frac{1}{2}$ <khóm>")
    jobs = next(
        r for r in book["Tiến độ"].iter_rows(min_row=2, values_only=True) if r[0] == "VIEC_LAM"
    )
    assert jobs[1:3] == ("Việc $x^{2}$ & <b>làm</b>", "lao $\\nope$ động")
    document = Document(str(folder / "bao-cao-2026-03-31.docx"))
    assert "Việc $x^{2}$ & <b>làm</b>" in [row.cells[1].text for row in document.tables[1].rows]
    assert len(document.inline_shapes) > 0  # every chart drawn despite the "$"
