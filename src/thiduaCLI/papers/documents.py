"""The Word documents of a review meeting, editable in Word, laid out as Vietnamese
administrative documents are (Decree 30/2020/NĐ-CP): A4, Times New Roman 14 pt (tables 12 pt),
margins 20 mm top and bottom, 30 mm left, 15 mm right; at the top the issuing body with the
number and symbol left to fill (``Số:    /BC-UBND``) beside the national name and motto
(Quốc hiệu, Tiêu ngữ) and the place and date; then the title, the body, and at the end the
recipients (Nơi nhận) beside the signature block.

- :func:`report`: the báo cáo sơ kết/tổng kết: the indicators, each block's ranking, the units
  behind and what they need, reporting timeliness, the commendation shortlist, the charts.
- :func:`proposal`: the tờ trình proposing commendations, form by form.
- :func:`scorecard`: one unit's scorecard, to send to that unit.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import IO, TYPE_CHECKING
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from thiduaCLI.cli.render import review_title
from thiduaCLI.papers import cells
from thiduaCLI.text.i18n import _, ngettext
from thiduaCLI.text.literal import visible
from thiduaCLI.text.numbers import format_number, format_percent

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import Table

    from thiduaCLI.domain.plan import Plan
    from thiduaCLI.results import Brief, Scorecard

FONT = "Times New Roman"
BODY_PT, TABLE_PT, SMALL_PT = 14, 12, 12
TEXT_WIDTH_TWIPS = round((210 - 30 - 15) / 25.4 * 1440)  # A4 less the margins


@dataclass(frozen=True)
class Letterhead:
    """Who issues the papers and where: ``issuer`` in capitals as the top-left block prints
    it (``ỦY BAN NHÂN DÂN\\nPHƯỜNG MỸ THỚI``), ``place`` for the date line, ``signer`` the
    signature block's title; the proposal is the emulation council's (``council``, signed
    ``council_signer``), addressed to ``approver``, the chairperson of the issuer."""

    issuer: str
    place: str
    signer: str
    council: str
    council_signer: str
    approver: str
    today: date


def letterhead_for(
    ward_name: str,
    today: date,
    issuer: str | None,
    place: str | None,
    council: str | None = None,
) -> Letterhead:
    """The letterhead of a ward called ``ward_name`` (``UBND phường Mỹ Thới``): ``issuer`` and
    ``place`` as given, else made from the name (UBND → ỦY BAN NHÂN DÂN; the place is what
    follows ``phường``, ``xã`` or ``đặc khu``)."""
    name = ward_name.strip()
    expanded = name.replace("UBND", "Ủy ban nhân dân", 1) if name.startswith("UBND") else name
    if issuer is None:
        words = expanded.split()
        if expanded.lower().startswith("ủy ban nhân dân") and len(words) > 4:
            issuer = "ỦY BAN NHÂN DÂN\n" + " ".join(words[4:]).upper()
        else:
            issuer = expanded.upper()
    if place is None:
        place = expanded
        for word in ("phường ", "xã ", "đặc khu ", "Phường ", "Xã "):
            if word in expanded:
                place = expanded.split(word, 1)[1]
                break
    if council is None:  # the ward's emulation council: Hội đồng Thi đua - Khen thưởng
        council = _("HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG") + "\n" + issuer.split("\n")[-1]
    return Letterhead(
        issuer=issuer,
        place=place,
        signer=_("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH"),
        council=council,
        council_signer=_("TM. HỘI ĐỒNG\nCHỦ TỊCH"),
        approver=_("Chủ tịch {body}").format(body=expanded),
        today=today,
    )


# ------------------------------------------------------------------------------ layout


def _new_document() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    _page_numbers(section)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for name in ("Normal", "Heading 1", "Heading 2", "Title"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = Pt(BODY_PT)
        style.font.color.rgb = None
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for key in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(key), FONT)
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            fonts.attrib.pop(qn(attribute), None)
    for name in ("Heading 1", "Heading 2"):
        style = document.styles[name]
        style.font.bold = True
        style.font.italic = False
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(3)
    document.styles["Normal"].paragraph_format.space_after = Pt(3)
    return document


def _page_numbers(section: object) -> None:
    """The page number at the top, centred, from the second page on (Decree 30/2020)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    section.different_first_page_header_footer = True  # type: ignore[attr-defined]
    paragraph = section.header.paragraphs[0]  # type: ignore[attr-defined]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"><w:r><w:rPr>'
            f'<w:sz w:val="{BODY_PT * 2}"/></w:rPr><w:t>2</w:t></w:r></w:fldSimple>'
        )
    )


def _text(text: str) -> str:
    """Text from the plan or the units, shown as written (control characters visible)."""
    return visible(text, newlines=True)


def _paragraph(
    where: object,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    size: int | None = None,
    align: WD_ALIGN_PARAGRAPH | None = None,
) -> None:
    paragraph = where.add_paragraph()  # type: ignore[attr-defined]
    run = paragraph.add_run(_text(text))  # a line break in the text breaks the line
    run.bold, run.italic = bold, italic
    if size is not None:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)


def _lines(where: object, text: str, **options: object) -> None:
    """Each line of ``text`` as a paragraph of its own (the header's blocks)."""
    for line in text.split("\n"):
        _paragraph(where, line, **options)  # type: ignore[arg-type]


def _head(
    document: DocumentObject, letterhead: Letterhead, symbol: str, issuer: str | None = None
) -> None:
    """The issuing body and ``Số:      /symbol`` beside the national name, the motto and the
    place and date: a table without borders, as every administrative document starts."""
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Mm(65), Mm(100)
    left.paragraphs[0].text = ""
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _lines(left, issuer or letterhead.issuer, bold=True, size=13, align=centre)
    _paragraph(left, "———", size=13, align=centre)
    _paragraph(left, _("Số:      /{symbol}").format(symbol=symbol), size=13, align=centre)
    _paragraph(right, _("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), bold=True, size=13, align=centre)
    _paragraph(right, _("Độc lập - Tự do - Hạnh phúc"), bold=True, size=14, align=centre)
    _paragraph(right, "———————————", size=13, align=centre)
    _paragraph(
        right,
        cells.dated_place(letterhead.place, letterhead.today),
        italic=True,
        size=14,
        align=centre,
    )
    for cell in (left, right):
        if not cell.paragraphs[0].text:
            cell._element.remove(cell.paragraphs[0]._element)
    document.add_paragraph()


def _title(document: DocumentObject, kind: str, about: str) -> None:
    title = document.add_paragraph(style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(kind)
    run.bold = True
    run.font.size = Pt(BODY_PT)
    _paragraph(document, about, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, "———————", align=WD_ALIGN_PARAGRAPH.CENTER)


def _heading(document: DocumentObject, text: str, level: int = 1) -> None:
    document.add_heading(_text(text), level=level)


def _table(
    document: DocumentObject, headings: Sequence[str], rows: Sequence[Sequence[str]]
) -> Table:
    """A bordered table (Word's "Table Grid"), 12 pt, its bold heading row repeated on each
    page, its columns as wide as their text asks within the page.

    Written as one piece of WordprocessingML: python-docx adds a row at a time, which for a
    province's 3,000 ranked units takes most of a minute."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.table import Table

    weights = [
        4 + min(40, max((len(line) for text in column for line in text.split("\n")), default=1))
        for column in zip(headings, *rows, strict=True)
    ]
    total = TEXT_WIDTH_TWIPS
    widths = [total * weight // sum(weights) for weight in weights]
    size = f'<w:sz w:val="{TABLE_PT * 2}"/><w:szCs w:val="{TABLE_PT * 2}"/>'

    def cell(text: str, width: int, bold: bool) -> str:
        runs = "<w:br/>".join(
            f'<w:t xml:space="preserve">{escape(line)}</w:t>' for line in _text(text).split("\n")
        )
        properties = ("<w:b/>" if bold else "") + size
        centre = '<w:pPr><w:jc w:val="center"/></w:pPr>' if bold else ""
        return (
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
            f"<w:p>{centre}<w:r><w:rPr>{properties}</w:rPr>{runs}</w:r></w:p></w:tc>"
        )

    head = "".join(cell(text, width, True) for text, width in zip(headings, widths, strict=True))
    body = "".join(
        "<w:tr>"
        + "".join(cell(text, width, False) for text, width in zip(row, widths, strict=True))
        + "</w:tr>"
        for row in rows
    )
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    element = parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        '<w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/>'
        '<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" '
        'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>{body}</w:tbl>"
    )
    document.element.body._insert_tbl(element)
    document.add_paragraph()
    return Table(element, document._body)


def _picture(document: DocumentObject, png: bytes, caption: str) -> None:
    document.add_picture(io.BytesIO(png), width=Mm(160))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(document, caption, italic=True, size=SMALL_PT, align=WD_ALIGN_PARAGRAPH.CENTER)


def _end(document: DocumentObject, signer: str, recipients: Sequence[str]) -> None:
    """Nơi nhận on the left (each line ending in ";", the last in "."), the signature block
    on the right."""
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = ""
    _paragraph(left, _("Nơi nhận:"), bold=True, italic=True, size=12)
    for number, recipient in enumerate(recipients, 1):
        _paragraph(left, f"- {recipient}{'.' if number == len(recipients) else ';'}", size=11)
    _lines(right, signer, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    for cell in (left, right):
        if not cell.paragraphs[0].text:
            cell._element.remove(cell.paragraphs[0]._element)


# ------------------------------------------------------------------------------ papers


def report(
    plan: Plan,
    brief: Brief,
    letterhead: Letterhead,
    charts: Callable[[str], bytes],
    block_charts: Callable[[str], bytes],
    target: IO[bytes],
) -> None:
    """The báo cáo of the review (``charts``: an indicator's progress chart as PNG by code;
    ``block_charts``: a block's ranking chart)."""
    document = _new_document()
    _head(document, letterhead, "BC-UBND")
    review = review_title(brief.review)
    _title(document, _("BÁO CÁO"), _("Kết quả phong trào thi đua {review}").format(review=review))
    _paragraph(document, plan.title, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)

    _heading(document, _("I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"))
    before = cells.last_year_rows(brief.status, brief.last_year)
    with_last_year = brief.last_year is not None
    rows = [
        cells.status_row(number, row, before.get(row.code), with_last_year)
        for number, row in enumerate(brief.status.indicators, 1)
    ]
    _table(document, cells.status_headings(with_last_year), rows)
    if not with_last_year:
        _paragraph(
            document,
            _("Chưa có số liệu năm {year} trong cơ sở dữ liệu để so với cùng kỳ.").format(
                year=plan.year - 1
            ),
            italic=True,
            size=SMALL_PT,
        )
    for row in brief.status.indicators:
        _picture(document, charts(row.code), _("Tiến độ {name}").format(name=row.name))

    _heading(document, _("II. XẾP HẠNG CÁC KHỐI THI ĐUA"))
    if not brief.ranking.rows:
        _paragraph(document, _("Kế hoạch không có đơn vị nào được chấm điểm."))
    for number, (block, ranked) in enumerate(cells.blocks(brief.ranking.rows), 1):
        _heading(document, f"{number}. {plan.blocks[block].name}", level=2)
        _table(document, cells.rank_headings(), [cells.rank_row(plan, row) for row in ranked])
        _picture(
            document,
            block_charts(block),
            _("Điểm thi đua {block}").format(block=plan.blocks[block].name),
        )

    _heading(document, _("III. ĐƠN VỊ CHẬM TIẾN ĐỘ VÀ VIỆC CẦN LÀM"))
    late = cells.behind(plan, brief.ranking.rows)
    if late:
        _table(
            document,
            [_("Mã"), _("Đơn vị"), _("Chỉ tiêu chậm và việc cần làm")],
            [[item.unit, item.name, "\n".join(item.needs)] for item in late],
        )
    else:
        _paragraph(document, _("Không có đơn vị nào chậm tiến độ."))

    _heading(document, _("IV. TÍNH KỊP THỜI CỦA BÁO CÁO"))
    timely = cells.timeliness(brief.rates.units)
    _paragraph(
        document,
        _(
            "Số liệu phải nộp: {expected}; đã nộp: {received}; nộp đúng hạn: {on_time} ({share})."
        ).format(
            expected=format_number(timely.expected),
            received=format_number(timely.received),
            on_time=format_number(timely.on_time),
            share=format_percent(timely.on_time_share),
        ),
    )
    if timely.late_units:
        _paragraph(document, _("Đơn vị chưa nộp đủ hoặc nộp trễ hạn:"))
        _table(document, cells.rate_headings(), [cells.rate_row(r) for r in timely.late_units])

    _heading(document, _("V. ĐỀ XUẤT KHEN THƯỞNG"))
    _proposals(document, plan, brief)
    _end(
        document,
        letterhead.signer,
        [_("Thường trực Đảng ủy, HĐND phường"), _("Hội đồng Thi đua - Khen thưởng"), _("Lưu: VT")],
    )
    document.save(target)


def _proposals(document: DocumentObject, plan: Plan, brief: Brief) -> None:
    grouped = cells.by_commendation(brief.shortlist.proposals)
    if not grouped:
        _paragraph(document, _("Chưa có đơn vị nào đạt điều kiện khen thưởng của kế hoạch."))
        return
    for number, (commendation, proposals) in enumerate(grouped.items(), 1):
        _heading(
            document,
            ngettext(
                "{number}. {commendation} ({count} tập thể)",
                "{number}. {commendation} ({count} tập thể)",
                len(proposals),
            ).format(number=number, commendation=commendation, count=len(proposals)),
            level=2,
        )
        _table(
            document,
            cells.proposal_headings(),
            [cells.proposal_row(plan, n, p) for n, p in enumerate(proposals, 1)],
        )


def proposal(plan: Plan, brief: Brief, letterhead: Letterhead, target: IO[bytes]) -> None:
    """The tờ trình: the units proposed for each form of commendation, with their rank,
    score, grade and the rule each meets."""
    document = _new_document()
    _head(document, letterhead, "TTr-HĐTĐKT", letterhead.council)
    review = review_title(brief.review)
    _title(
        document,
        _("TỜ TRÌNH"),
        _("Về việc đề nghị khen thưởng thành tích phong trào thi đua {review}").format(
            review=review
        ),
    )
    _paragraph(
        document,
        _("Kính gửi: {approver}.").format(approver=letterhead.approver),
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _paragraph(
        document,
        _(
            "Căn cứ {plan}; căn cứ kết quả chấm điểm, xếp hạng các khối thi đua {review}, đề "
            "nghị xem xét khen thưởng các tập thể sau:"
        ).format(plan=plan.title, review=review),
    )
    _proposals(document, plan, brief)
    _paragraph(document, _("Kính trình xem xét, quyết định./."))
    _end(document, letterhead.council_signer, [_("Như trên"), _("Lưu: VT")])
    document.save(target)


def scorecard(
    plan: Plan,
    card: Scorecard,
    letterhead: Letterhead,
    target: IO[bytes],
) -> None:
    """One unit's scorecard: each indicator, the score, the grade and the rank."""
    document = _new_document()
    _head(document, letterhead, "UBND")
    review = review_title(card.review)
    _title(
        document,
        _("BẢNG ĐIỂM THI ĐUA"),
        _("{name} ({unit}) – {review}").format(name=card.name, unit=card.unit, review=review),
    )
    _table(document, cells.part_headings(), [cells.part_row(plan, p) for p in card.parts])
    _paragraph(
        document,
        _("Điểm: {score}; xếp loại: {grade}.").format(
            score=cells.score_text(plan, card.score), grade=card.grade
        ),
        bold=True,
    )
    if card.rank is not None and card.block is not None:
        _paragraph(
            document,
            _("Hạng {rank} trong {block}.").format(
                rank=card.rank, block=plan.blocks[card.block].name
            ),
        )
    _end(document, letterhead.signer, [card.name, _("Lưu: VT")])
    document.save(target)
