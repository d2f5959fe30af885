"""The paper archive (纸质档案) of a craftsman's file: an A4 PDF drawn with reportlab and its
built-in CID font ``STSong-Light`` (Adobe's 华文宋体 metrics; the reader's viewer supplies the
glyphs, so no font file ships and the PDF stays a few kilobytes). Pure: data in, bytes out.

reportlab is imported when a PDF is drawn, not when the feature loads (every Lambda imports
every feature's routes)."""
from __future__ import annotations

import io
from dataclasses import dataclass, field

FONT = "STSong-Light"


@dataclass(frozen=True)
class PdfEntry:
    kind_name: str
    title: str
    details: str            # level, rank, year, number … in one line
    evidence: str           # file names
    status: str             # 已核验（who, date）| 未核验
    version: int


@dataclass(frozen=True)
class PdfFile:
    real_name: str
    id_masked: str
    gender_name: str
    birth_date: str
    org_name: str
    occupation: str
    job_title: str
    created_at: str          # YYYY-MM-DD (Asia/Shanghai)
    printed_at: str          # YYYY-MM-DD HH:MM (Asia/Shanghai)
    training_hours: int
    sections: list[tuple[str, list[PdfEntry]]] = field(default_factory=list)


def render(data: PdfFile) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    title = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=24, alignment=1, spaceAfter=4 * mm)
    heading = ParagraphStyle("heading", fontName=FONT, fontSize=13, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm)
    cell = ParagraphStyle("cell", fontName=FONT, fontSize=9.5, leading=13, wordWrap="CJK")
    small = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=11, textColor=colors.grey, wordWrap="CJK")

    def p(text: str, style: ParagraphStyle = cell) -> Paragraph:
        safe = (text or "—").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(safe, style)

    grid = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                       ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
                       ("BACKGROUND", (2, 0), (2, -1), colors.whitesmoke)])
    basic = Table([
        [p("姓名"), p(data.real_name), p("性别"), p(data.gender_name)],
        [p("身份证号"), p(data.id_masked), p("出生日期"), p(data.birth_date)],
        [p("所在单位"), p(data.org_name), p("职业（工种）"), p(data.occupation)],
        [p("技能等级/职称"), p(data.job_title), p("已核验培训学时"), p(f"{data.training_hours} 学时")],
    ], colWidths=[28 * mm, 57 * mm, 28 * mm, 57 * mm], style=grid)

    story = [p("南浔工匠档案（一人一档）", title), p("基本信息", heading), basic]
    for name, entries in data.sections:
        story.append(p(name, heading))
        if not entries:
            story.append(p("（无）"))
            continue
        rows = [[p("名称"), p("详情"), p("证明材料"), p("核验")]]
        rows += [[p(e.title), p(e.details), p(e.evidence), p(f"{e.status}（第 {e.version} 版）")] for e in entries]
        table = Table(rows, colWidths=[45 * mm, 50 * mm, 35 * mm, 40 * mm], repeatRows=1)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        story.append(table)
    story += [Spacer(1, 6 * mm),
              p(f"建档日期 {data.created_at}；打印时间 {data.printed_at}（北京时间）。"
                "“已核验”指该版本内容已由区县总工会核验；条目的每次修改均留有版本记录。", small)]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                            bottomMargin=18 * mm, title=f"南浔工匠档案 {data.real_name}", author="数智工会",
                            subject="一人一档")
    doc.build(story)
    return buffer.getvalue()
