"""`zhaoshang export`: the data workbook of a unit's subtree, which imports again unchanged.

The round trip is done as a user would: export, open the file with openpyxl
(as Excel would), change two cells and add a row, save, import — and exactly
what was edited changes.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook as open_book
from openpyxl.utils.escape import unescape

from tests.workbook.conftest import model_counts
from zhaoshang.cli import main
from zhaoshang.ledger.models import Project
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import subtree_scope
from zhaoshang.workbook.export import FORMULA_STARTS, csv_lines, export_workbook
from zhaoshang.workbook.loader import load_workbook
from zhaoshang.workbook.reader import read_file
from zhaoshang.workbook.sheets.projects import ProjectsSheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(make_book):
    result = load_workbook(make_book())
    assert result.ok, result.errors


def _rows(path, sheet):
    ws = open_book(path)[sheet]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _load_json(path, capsys, *extra) -> dict:
    assert main(["load", str(path), "--json", *extra]) == 0
    return json.loads(capsys.readouterr().out)


def test_export_of_everything_loads_back_changing_nothing(loaded, tmp_path, capsys):
    out = tmp_path / "全部.xlsx"
    assert main(["export", "-o", str(out)]) == 0
    assert "项目 3 行" in capsys.readouterr().err
    before = model_counts()
    document = _load_json(out, capsys)
    assert document["errors"] == []
    for sheet, counts in document["counts"].items():
        assert counts["created"] == 0 and counts["updated"] == 0, sheet
    assert document["counts"]["项目"]["unchanged"] == 3
    assert document["counts"]["单位"]["unchanged"] == 4
    assert model_counts() == before  # not even a history row


def test_export_of_a_county_holds_its_subtree_only(loaded, tmp_path, capsys):
    out = tmp_path / "甲县.xlsx"
    assert main(["export", "--unit", "990001", "-o", str(out)]) == 0
    projects = _rows(out, "项目")
    assert projects[0][0] == "项目编号*"
    assert [r[0] for r in projects[1:]] == ["P-01"]
    assert [r[0] for r in _rows(out, "单位")[1:]] == ["990001"]
    assert [r[0] for r in _rows(out, "用户")[1:]] == ["jia_reporter"]
    assert _rows(out, "园区")[1:] == []  # 丙园 belongs to the zone
    follow_ups = _rows(out, "跟踪记录")[1:]
    assert [(r[1], r[3]) for r in follow_ups] == [("990001", "P-01")]
    # And it loads back unchanged.
    document = _load_json(out, capsys)
    assert document["counts"]["项目"] == {"created": 0, "updated": 0, "unchanged": 1}


def test_export_of_named_sheets_only(loaded, tmp_path, capsys):
    out = tmp_path / "项目.xlsx"
    assert main(["export", "--sheets", "项目,客商", "-o", str(out)]) == 0
    assert open_book(out).sheetnames == ["客商", "项目"]  # import order


def test_export_refuses_unknown_unit_and_sheet_with_one_line(loaded, tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    assert main(["export", "--unit", "123", "-o", str(out)]) == 2
    assert capsys.readouterr().err == "错误：未找到单位编码为「123」的单位\n"
    assert main(["export", "--sheets", "项目,台账", "-o", str(out)]) == 2
    assert "不是可导出的工作表：台账" in capsys.readouterr().err
    assert not out.exists()


def test_export_edit_in_excel_import_changes_exactly_what_was_edited(loaded, tmp_path, capsys):
    out = tmp_path / "导出.xlsx"
    assert main(["export", "-o", str(out)]) == 0
    p1 = Project.objects.get(code="P-01")
    untouched = {
        p.code: (p.name, p.contract_amount, p.stage, p.history.count())
        for p in Project.objects.exclude(code="P-01")
    }

    # What a user does in Excel: change a name and an amount, add a project.
    book = open_book(out)
    ws = book["项目"]
    header = [c.value.rstrip("*") for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "P-01")
    row[header.index("项目名称")].value = "甲县智能装备产业园（二期）"
    row[header.index("合同投资额(万元)")].value = 12345.5
    new = [None] * len(header)
    new[header.index("项目编号")] = "P-04"
    new[header.index("项目名称")] = "甲县新签项目"
    new[header.index("责任单位编码")] = "990001"
    new[header.index("项目阶段")] = "洽谈"
    ws.append(new)
    book.save(out)

    document = _load_json(out, capsys)
    assert document["counts"]["项目"] == {"created": 1, "updated": 1, "unchanged": 2}
    for sheet, counts in document["counts"].items():
        if sheet != "项目":
            assert counts["created"] == counts["updated"] == 0, sheet
    p1.refresh_from_db()
    assert p1.name == "甲县智能装备产业园（二期）"
    assert p1.contract_amount == Decimal("12345.50")
    latest = p1.history.first()
    assert latest.history_change_reason == "导入 导出.xlsx"
    assert Project.objects.get(code="P-04").responsible_unit.code == "990001"
    for p in Project.objects.exclude(code__in=["P-01", "P-04"]):
        assert (p.name, p.contract_amount, p.stage, p.history.count()) == untouched[p.code]


TEXT_PREFIXES = st.sampled_from(FORMULA_STARTS)
REST = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp"), exclude_characters="\ufeff"
    ),
    max_size=40,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(prefix=TEXT_PREFIXES, rest=REST)
def test_text_starting_like_a_formula_is_written_as_text(tmp_path_factory, prefix, rest):
    """Whatever follows = + - @ tab CR LF, the cell is text and reads back as written."""
    text = prefix + rest
    rows = [{"项目编号": "P-1", "项目名称": text, "备注": text}]
    path = tmp_path_factory.mktemp("f") / "f.xlsx"
    from zhaoshang.workbook.export import write_workbook

    class Fixed:
        spec = ProjectsSheet.spec

        @staticmethod
        def export_rows(_records):
            return iter(rows)

    write_workbook(str(path), [(Fixed, [])])
    ws = open_book(path)["项目"]
    header = [c.value.rstrip("*") for c in ws[1]]
    for column in ("项目名称", "备注"):
        cell = ws.cell(row=2, column=header.index(column) + 1)
        assert cell.data_type == "s", (text, cell.data_type)
        # Excel and the import's reader decode _x000D_ for a CR; openpyxl leaves it to us.
        assert unescape(cell.value) == text
        assert cell.quotePrefix
    # The import's own reader sees the same text.
    sheet = read_file(path).sheets[0]
    header_row = [str(h).rstrip("*") for h in sheet.rows[0][1]]
    assert sheet.rows[1][1][header_row.index("项目名称")] == text
    # And in CSV it is marked so no spreadsheet evaluates it, and read back unmarked.
    lines = "".join(csv_lines(Fixed, []))
    assert "'" + prefix in lines
    csv_path = path.with_name("项目.csv")
    csv_path.write_text(lines, encoding="utf-8")
    assert read_file(csv_path).sheets[0].rows[1][1][1] == text


def test_export_reads_in_few_queries_whatever_the_rows(
    loaded, tmp_path, django_assert_max_num_queries
):
    # Units, users, parks, campaigns, milestones, targets, enterprises (+ tags),
    # projects (+ cooperating units, investors), funds, follow-ups, rounds,
    # events, invitations, signings: one query each (a few more per 2,000 rows).
    with django_assert_max_num_queries(20):
        counts = export_workbook(tmp_path / "x.xlsx", subtree_scope(None))
    assert counts["项目"] == 3


def test_export_scope_is_the_scoping_primitive(loaded):
    unit = Unit.objects.get(code="990040")
    projects = ProjectsSheet.export_queryset(subtree_scope(unit))
    assert list(projects.values_list("code", flat=True)) == ["P-03"]
