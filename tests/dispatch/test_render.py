"""The .docx and .xlsx files open and carry the tables and numbers; the CLI writes them."""

import io
import json
import os
import zipfile

import docx
import openpyxl
import pytest
from django.utils import timezone
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tests.dispatch.conftest import AS_OF
from zhaoshang.cli import main
from zhaoshang.dispatch.bulletin import build_bulletin
from zhaoshang.dispatch.render import file_name, render
from zhaoshang.dispatch.services import do_publish_bulletin, do_save_dispatch_settings
from zhaoshang.dispatch.word import combined_findings

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    return build_bulletin(world["campaign"], AS_OF)


def open_docx(document):
    return docx.Document(io.BytesIO(render(document, "docx")))


def cells(row):
    return [cell.text for cell in row.cells]


def close(length, mm):
    return abs(length - Mm(mm)) < Mm(0.1)


def test_docx_page_follows_gb_t_9704(draft):
    section = open_docx(draft).sections[0]
    assert close(section.page_width, 210) and close(section.page_height, 297)
    assert close(section.top_margin, 37) and close(section.bottom_margin, 35)
    assert close(section.left_margin, 28) and close(section.right_margin, 26)


def test_docx_fonts_name_the_east_asian_face(draft):
    document = open_docx(draft)
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)  # 3号
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    header, issue, office = document.paragraphs[:3]
    assert header.text == "调 度 通 报"
    assert header.runs[0].font.color.rgb == docx.shared.RGBColor(0xFF, 0, 0)
    assert header.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert issue.text == "（征求意见稿）"  # a draft has no number
    assert office.text.startswith("样州招商引资工作专班办公室\t")
    # the red rule under the header
    border = office._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert border.get(qn("w:color")) == "FF0000"
    title = document.paragraphs[4]
    assert title.text == "关于测试行动工作推进情况的通报"
    assert title.runs[0].font.size == Pt(22)  # 2号
    # machines without the GB2312/方正 fonts fall back to their plain cousins
    package = zipfile.ZipFile(io.BytesIO(render(draft, "docx")))
    font_table = package.read("word/fontTable.xml").decode("utf-8")
    assert 'w:name="方正小标宋简体"' in font_table and 'w:val="宋体"' in font_table
    assert 'w:name="仿宋_GB2312"' in font_table


def test_docx_ranking_table_fits_the_type_area(draft):
    document = open_docx(draft)
    ranking = document.tables[0]
    assert cells(ranking.rows[0]) == [
        "排名",
        "单位",
        "目标任务",
        "完成",
        "完成率",
        "较序时进度",
        "状态",
        "环比",
    ]
    assert [cells(r) for r in ranking.rows[1:]] == [
        ["1", "乙县", "20,000", "17,000", "85.00%", "+22.50", "绿色", "—"],
        ["2", "甲县", "20,000", "12,000", "60.00%", "−2.50", "黄色", "—"],
        ["3", "丙开发区", "30,000", "12,000", "40.00%", "−22.50", "红色", "—"],
        ["—", "丁局", "—", "1,000", "—", "—", "无目标", "—"],
        ["", "合计（样州）", "60,000", "42,000", "70.00%", "+7.50", "绿色", "—"],
    ]
    grid = ranking._tbl.tblGrid.findall(qn("w:gridCol"))
    total_twips = sum(int(col.get(qn("w:w"))) for col in grid)
    assert abs(total_twips - Mm(156).twips) <= len(grid)
    # status in words and in colour
    red_cell = ranking.rows[3].cells[6]._tc
    assert red_cell.tcPr.find(qn("w:shd")).get(qn("w:fill")) == "FFC7CE"
    others = document.tables[1]
    assert cells(others.rows[1]) == ["乙县", "2/3", "1/2", "0", "1/2", "300"]


def test_docx_lists_diagnoses_projects_and_rounds(draft):
    document = open_docx(draft)
    text = "\n".join(p.text for p in document.paragraphs)
    assert "一、总体情况" in text
    assert draft["summary"] in text
    # Only flagged units, one paragraph per finding.
    assert (
        "（一）工作力度差距大（1个）：丁局近14天跟踪记录0条，不足同级单位中位数4条的一半。" in text
    )
    assert "（三）信息交流差距大（3个）：乙县应报调度3次、按时报送2次" in text
    assert "；丙开发区应报调度3次" in text and "；丁局应报调度3次" in text
    assert "本行动开始以来新增合同项目6个，合同投资额42,000万元。" in text
    assert "停留在同一阶段超过30天的重点项目1个，请有关单位加快推进。" in text
    assert "未报送2个（丙开发区、丁局）" in text
    stuck = document.tables[3]
    # Dates as people write them: 10月1日 within the bulletin's year.
    assert cells(stuck.rows[1]) == ["1", "丙开发区", "项目pC2", "签约", "10月1日", "50"]
    # page numbers: a PAGE field on odd (right) and even (left) pages
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        assert "PAGE" in footer._element.xml
    assert document.settings.odd_and_even_pages_header_footer


def test_published_docx_carries_its_number(world):
    bulletin = do_publish_bulletin(world["campaign"], AS_OF)
    document = open_docx(bulletin.document)
    assert document.paragraphs[1].text == "第1期"
    assert "征求意见稿" not in document.sections[0].header._element.xml
    assert file_name(bulletin.document, "docx") == "调度通报_DISP_第1期_2026-11-20.docx"


def test_docx_has_number_signature_and_imprint_from_the_settings(world):
    """GB/T 9704 parts: 发文字号 with the configured prefix, 落款 and date, 版记."""
    do_save_dispatch_settings(
        world["campaign"],
        number_style="document",
        number_prefix="样州招商办",
        copy_to="州委办公室、州政府办公室",
        printing_office="样州招商引资工作专班办公室秘书组",
    )
    bulletin = do_publish_bulletin(world["campaign"], AS_OF)
    document = open_docx(bulletin.document)
    year = bulletin.published_at.year
    assert document.paragraphs[1].text == f"样州招商办〔{year}〕1号"
    texts = [p.text for p in document.paragraphs if p.text]
    day = timezone.localtime(bulletin.published_at).date()
    issued = f"{day.year}年{day.month}月{day.day}日"
    # 落款 then its date, right-aligned; then the imprint: 抄送, then 印发机关 and 印发日期.
    assert texts[-4:] == [
        "样州招商引资工作专班办公室",
        issued,
        "抄送：州委办公室、州政府办公室。",
        f"样州招商引资工作专班办公室秘书组\t{issued}印发",
    ]
    imprint = [p for p in document.paragraphs if p.text.startswith("抄送")][0]
    assert imprint._p.pPr.find(qn("w:pBdr")) is not None


def test_issue_style_is_the_default_and_blank_imprint_uses_the_office(world):
    bulletin = do_publish_bulletin(world["campaign"], AS_OF)
    document = open_docx(bulletin.document)
    assert document.paragraphs[1].text == "第1期"
    texts = [p.text for p in document.paragraphs if p.text]
    assert not any(t.startswith("抄送") for t in texts)
    assert texts[-1].startswith("样州招商引资工作专班办公室\t") and texts[-1].endswith("印发")


def test_findings_that_read_the_same_share_one_clause():
    units = [
        {"name": "台江县", "text": "台江县尚未引进中国民营企业500强企业。"},
        {"name": "岑巩县", "text": "岑巩县引进中国民营企业500强企业0家。"},
        {"name": "雷山县", "text": "雷山县尚未引进中国民营企业500强企业。"},
    ]
    assert combined_findings(units) == (
        "台江县、雷山县尚未引进中国民营企业500强企业；岑巩县引进中国民营企业500强企业0家。"
    )


def test_xlsx_prints_as_it_is_and_carries_the_submitted_texts(draft):
    book = openpyxl.load_workbook(io.BytesIO(render(draft, "xlsx")))
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        # One page wide (1 is the file format's default, left out by XlsxWriter), any pages tall.
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), sheet.title
        assert "&P" in sheet.oddFooter.center.text, sheet.title
    # Wide sheets landscape, with their header row on every page.
    assert book["进度排名"].page_setup.orientation == "landscape"
    assert book["进度排名"].print_title_rows == "$1:$1"
    rounds = book["调度填报"]
    assert [c.value for c in rounds[2]] == [
        "单位编码",
        "单位名称",
        "报送情况",
        "进展情况",
        "存在问题",
        "下步计划",
    ]
    rows = {r[1].value: [c.value for c in r] for r in rounds.iter_rows(min_row=3)}
    # 甲县 reported the round of 11-20 on time with the fixture's texts.
    assert rows["甲县"][2:] == ["按时报送", "推进顺利", "要素保障不足", "继续对接"]
    assert "年" in rounds["A1"].value and "T" not in rounds["A1"].value


def test_xlsx_has_the_tables_with_numbers(draft):
    book = openpyxl.load_workbook(io.BytesIO(render(draft, "xlsx")))
    assert book.sheetnames == [
        "通报",
        "图表",
        "进度排名",
        "三大三少",
        "新增合同项目",
        "重点项目滞缓",
        "调度填报",
        "累计进度",
        "项目明细",
        "完成预测",
    ]
    ranking = book["进度排名"]
    assert ranking.freeze_panes == "D2"
    header = [c.value for c in ranking[1]][:11]
    assert header == [
        "排名",
        "单位编码",
        "单位名称",
        "状态",
        "环比",
        "“三大三少”问题",
        "合同投资额(万元)目标",
        "合同投资额(万元)完成",
        "完成率(%)",
        "序时进度(%)",
        "较序时进度(个百分点)",
    ]
    first = [c.value for c in ranking[2]][:11]
    assert first == [
        1,
        "880002",
        "乙县",
        "绿色",
        "—",
        "信息交流差距大、500强企业少、园区工业项目少",
        20000,
        17000,
        85,
        62.5,
        22.5,
    ]
    assert ranking["H2"].number_format == "#,##0.00"
    total = [c.value for c in ranking[6]][:11]
    assert total[2] == "合计（样州）" and total[7] == 42000
    # children add up to the total in the sheet too
    assert sum(ranking.cell(row=r, column=8).value for r in range(2, 6)) == 42000
    # status fills are conditional formats keyed on the words
    rules = [rule for rng in ranking.conditional_formatting for rule in rng.rules]
    assert {rule.formula[0] for rule in rules} >= {'"绿色"', '"黄色"', '"红色"'}
    diagnosis = book["三大三少"]
    assert [c.value for c in diagnosis[5]][:9] == [
        "880004",
        "丁局",
        "是",
        None,
        "是",
        None,
        None,  # no target on the primary indicator: no 500强少 line
        None,
        2,
    ]
    # the first issue points to 项目明细 rather than listing every project twice
    assert (
        book["新增合同项目"]["A1"].value
        == "本期为首期通报，新增合同项目即全部6个计入项目，见「项目明细」。"
    )
    assert book["项目明细"].max_row == 7
    assert book["项目明细"]["E2"].value == 9000  # pA1, the earliest contract (11-01)


def test_xlsx_has_native_charts(draft):
    package = zipfile.ZipFile(io.BytesIO(render(draft, "xlsx")))
    charts = sorted(n for n in package.namelist() if n.startswith("xl/charts/chart"))
    assert charts == ["xl/charts/chart1.xml", "xl/charts/chart2.xml"]
    completion = package.read(charts[0]).decode("utf-8")
    # columns of completion and a line of the required % over the four units
    assert "<c:barChart>" in completion and "<c:lineChart>" in completion
    assert "进度排名!$I$2:$I$5" in completion and "进度排名!$J$2:$J$5" in completion
    curve = package.read(charts[1]).decode("utf-8")
    assert "<c:lineChart>" in curve and "<c:dateAx>" in curve
    # 10-15 … 12-05 is 52 days
    assert "累计进度!$B$2:$B$53" in curve and "累计进度!$C$2:$C$53" in curve
    drawing = package.read("xl/drawings/drawing1.xml").decode("utf-8")
    assert drawing.count("<c:chart ") == 2


def test_xlsx_writes_user_text_as_text(world):
    from datetime import date

    from tests.engine import builders as b
    from zhaoshang.ledger.models import Project

    # Codes cannot start with "=" any more; a project name still can.
    p = b.project(world["A"], 1, date(2026, 11, 3))
    Project.objects.filter(pk=p.pk).update(name="=HYPERLINK(1)")
    doc = build_bulletin(world["campaign"], AS_OF)
    book = openpyxl.load_workbook(io.BytesIO(render(doc, "xlsx")))
    sheet = book["项目明细"]
    values = [sheet.cell(row=r, column=2).value for r in range(2, sheet.max_row + 1)]
    assert "=HYPERLINK(1)" in values
    assert all(sheet.cell(row=r, column=2).data_type == "s" for r in range(2, sheet.max_row + 1))


def test_edge_case_documents_render(db):
    from datetime import date

    from tests.engine import builders as b

    R = b.unit("770000", "空州")
    c = b.campaign("EMPTY", root=R)
    c.milestones.all().delete()
    doc = build_bulletin(c, date(2026, 10, 1))
    assert render(doc, "docx") and render(doc, "xlsx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(render(doc, "docx"))).paragraphs)
    assert "本单位无下级单位，不作诊断。" in text
    assert "截至统计日尚无到期的调度填报。" in text


def test_unknown_format_is_refused(draft):
    with pytest.raises(ValueError):
        render(draft, "pdf")


@pytest.mark.parametrize("fmt", ["json", "docx", "xlsx"])
def test_cli_writes_the_bulletin(world, tmp_path, fmt, capsys):
    out = tmp_path / "sub" / f"bulletin.{fmt}"
    argv = [
        "bulletin",
        "--campaign",
        "DISP",
        "--as-of",
        "2026-11-20",
        "--format",
        fmt,
        "-o",
        str(out),
    ]
    assert main(argv) == 0
    data = out.read_bytes()
    # It says what it wrote, where and how big; the file is readable by others as usual.
    said = capsys.readouterr().err
    assert str(out.resolve()) in said and "KB）" in said
    kind = {"json": "JSON 数据", "docx": "Word 文档", "xlsx": "Excel 工作簿"}[fmt]
    assert said.startswith(f"已写入{kind} ")
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
    if fmt == "json":
        doc = json.loads(data.decode("utf-8"))
        assert "样州" in data.decode("utf-8")  # UTF-8, not \u escapes
        assert doc["as_of"] == "2026-11-20"
        assert doc["summary"].startswith("截至2026年11月20日")
        assert {r["code"]: r["diagnostics"] for r in doc["children"]}["880004"] == [
            "effort_gap",
            "information_gap",
        ]
    elif fmt == "docx":
        assert docx.Document(io.BytesIO(data)).tables
    else:
        assert "进度排名" in openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


def test_cli_refuses_an_unknown_campaign(world, tmp_path, capsys):
    out = tmp_path / "b.json"
    assert main(["bulletin", "--campaign", "NOPE", "--format", "json", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "未找到行动编码为「NOPE」的专项行动" in err
    assert "Traceback" not in err
    assert not out.exists()
