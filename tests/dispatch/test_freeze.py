"""Published bulletins are frozen: later ledger edits change only the next issue (环比).

第1期 is published as of 11-20 (figures in conftest.py). Then the ledger changes:
  pA4  A  合同 on 11-19, 5000, entered after publication (补录)
  pC3  C  合同 on 11-25, 3000
  pB2  B  dropped on 11-22 (2000 no longer counted)
第2期 as of 11-27: required 50 + 50 × 12/20 = 80 %.
  A 12000 + 5000 = 17000 / 20000 = 85 %   (第1期 60 %, rank 2 → 1: ↑1)
  B 17000 − 2000 = 15000 / 20000 = 75 %   (第1期 85 %, rank 1 → 2: ↓1)
  C 12000 + 3000 = 15000 / 30000 = 50 %   (第1期 40 %, rank 3 → 3: —)
  R 42000 + 5000 + 3000 − 2000 = 48000 / 60000 = 80 % (第1期 70 %: +10 个百分点, +6000 万元)
"""

import io
import json
from datetime import date
from decimal import Decimal

import docx
import pytest

from tests.dispatch.conftest import AS_OF
from tests.engine import builders as b
from zhaoshang.dispatch.models import Bulletin
from zhaoshang.dispatch.render import write_bulletin
from zhaoshang.dispatch.services import do_publish_bulletin
from zhaoshang.ledger.models import Project
from zhaoshang.ledger.services import do_drop_project
from zhaoshang.org.services import do_save_account

pytestmark = pytest.mark.django_db

NEXT = date(2026, 11, 27)


def docx_text(path) -> list[str]:
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def edit_ledger(world):
    b.project(world["A"], 5000, date(2026, 11, 19), code="pA4")
    b.project(world["C"], 3000, date(2026, 11, 25), code="pC3")
    do_drop_project(Project.objects.get(code="pB2"), date(2026, 11, 22), "企业撤资", actor=None)


@pytest.fixture
def office(world):
    return do_save_account(
        "office", full_name="州招商专班", unit=world["R"], role="admin", password="x-123456789"
    )[0]


def test_edits_after_publishing_do_not_change_the_bulletin(world, office, tmp_path):
    c = world["campaign"]
    first = do_publish_bulletin(c, AS_OF, actor=office)
    write_bulletin(c, AS_OF, "json", tmp_path / "before.json")
    write_bulletin(c, AS_OF, "docx", tmp_path / "before.docx")
    frozen = json.loads((tmp_path / "before.json").read_text(encoding="utf-8"))
    assert frozen == first.document
    assert frozen["bulletin"]["number"] == 1
    assert "第1期" in docx_text(tmp_path / "before.docx")

    edit_ledger(world)

    write_bulletin(c, AS_OF, "json", tmp_path / "after.json")
    write_bulletin(c, AS_OF, "docx", tmp_path / "after.docx")
    assert (tmp_path / "after.json").read_bytes() == (tmp_path / "before.json").read_bytes()
    assert docx_text(tmp_path / "after.docx") == docx_text(tmp_path / "before.docx")
    assert Bulletin.objects.get(pk=first.pk).document == frozen
    # a fresh computation for the same day sees the late contract of 11-19: 42000 + 5000
    from zhaoshang.dispatch.bulletin import build_bulletin

    live = build_bulletin(c, AS_OF, previous=None)
    assert live["unit"]["indicators"]["contract_amount"]["achieved"] == "47000.00"
    assert frozen["unit"]["indicators"]["contract_amount"]["achieved"] == "42000.00"


def test_next_issue_shows_the_change(world, office):
    c = world["campaign"]
    do_publish_bulletin(c, AS_OF, actor=office)
    edit_ledger(world)
    second = do_publish_bulletin(c, NEXT, actor=office)
    doc = second.document
    assert doc["bulletin"]["number"] == 2
    changes = doc["changes"]
    assert (changes["previous_number"], changes["previous_as_of"]) == (1, "2026-11-20")
    assert changes["unit"]["achieved_change"] == "6000.00"
    assert changes["unit"]["completion_change_pp"] == 10.0
    rows = {r["name"]: r for r in doc["children"]}
    assert {name: (r["rank"], r["change"]["rank_arrow"]) for name, r in rows.items()} == {
        "甲县": (1, "↑1"),
        "乙县": (2, "↓1"),
        "丙开发区": (3, "—"),
        "丁局": (None, "—"),
    }
    a = rows["甲县"]["change"]
    assert (
        a["achieved_before"],
        a["achieved_change"],
        a["completion_before"],
        a["completion_change_pp"],
    ) == ("12000.00", "5000.00", 60.0, 25.0)
    assert rows["乙县"]["change"]["completion_change_pp"] == -10.0
    assert (
        "与第1期（11月20日）相比，合同投资额增加6000万元，完成率提高10.00个百分点。"
        in doc["summary"]
    )
    # newly counted since 第1期: pA4 (contract 11-19, entered late) and pC3
    new = doc["new_contracts"]
    assert new["since"] == "2026-11-20"
    assert [(p["code"], p["late_entry"]) for p in new["projects"]] == [
        ("pA4", True),
        ("pC3", False),
    ]
    assert (new["count"], new["amount"]) == (2, "8000.00")
    assert sum(
        Decimal(r["indicators"]["contract_amount"]["achieved"]) for r in doc["children"]
    ) == Decimal(48000)


def test_a_draft_compares_with_the_latest_published_issue(world, office):
    from zhaoshang.dispatch.bulletin import build_bulletin

    c = world["campaign"]
    do_publish_bulletin(c, AS_OF, actor=office)
    draft = build_bulletin(c, NEXT)
    assert draft["bulletin"]["status"] == "draft"
    assert draft["bulletin"]["previous"] == {"number": 1, "as_of": "2026-11-20"}
    assert "合同投资额无变化" in draft["summary"]
    # an earlier day than any published issue has nothing to compare with
    early = build_bulletin(c, date(2026, 11, 13))
    assert early["changes"] is None
    assert "本期为首期通报。" in early["summary"]


def test_published_docx_renders_from_the_frozen_document(world, office, tmp_path):
    c = world["campaign"]
    do_publish_bulletin(c, AS_OF, actor=office)
    edit_ledger(world)
    write_bulletin(c, AS_OF, "docx", tmp_path / "b.docx")
    document = docx.Document(io.BytesIO((tmp_path / "b.docx").read_bytes()))
    ranking = document.tables[0]
    total = [cell.text for cell in ranking.rows[-1].cells]
    assert total[1:5] == ["合计（样州）", "60,000", "42,000", "70.00%"]


def test_next_issue_files_show_the_change(world, office):
    import openpyxl

    from zhaoshang.dispatch.render import render

    c = world["campaign"]
    do_publish_bulletin(c, AS_OF, actor=office)
    edit_ledger(world)
    doc = do_publish_bulletin(c, NEXT, actor=office).document
    document = docx.Document(io.BytesIO(render(doc, "docx")))
    ranking = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert ranking[1][:2] == ["1", "甲县"] and ranking[1][-1] == "↑1"
    assert ranking[2][:2] == ["2", "乙县"] and ranking[2][-1] == "↓1"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "自第1期（11月20日）以来新增合同项目2个，合同投资额8,000万元" in text
    new_table = [[cell.text for cell in row.cells] for row in document.tables[2].rows]
    assert new_table[1][2] == "项目pA4（补录）"
    book = openpyxl.load_workbook(io.BytesIO(render(doc, "xlsx")))
    new = book["新增合同项目"]
    assert [new.cell(row=r, column=1).value for r in (2, 3)] == ["pA4", "pC3"]
    assert new.cell(row=2, column=11).value == "是"
    changes = book["环比"]
    assert [c.value for c in changes[3]][:10] == [
        "甲县",
        12000,
        17000,
        5000,
        60,
        85,
        25,
        2,
        1,
        "↑1",
    ]
