"""Assessment pages per persona: scheme editor, draft, publication (frozen), drill-down, files.

Personas (tests/conftest.py) as of 2026-11-27 with the scheme
合同投资额 60 分 封顶比例, 合同项目数 40 分 功效系数, 500强企业 +5 (上限 10):
  凯里市  41000/50000 = 0.82 → 49.20; 2/4 = 0.5 → 40.00 (max); one top-500 → 5; total 94.20
  开发区  30000/40000 = 0.75 → 45.00; 1/2 = 0.5 → 40.00 (max);                 total 85.00
  黎平县   9000/30000 = 0.30 → 18.00; 1/3 (min) → 40 × 0.6 = 24.00;             total 42.00
州投资促进局 has no target: not assessed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.web.helpers import text
from zhaoshang.assessment.models import AssessmentFrozen, PublishedAssessment, SchemeIndicator
from zhaoshang.assessment.services import (
    do_publish_assessment,
    do_save_scheme_adjustment,
    do_save_scheme_indicator,
)
from zhaoshang.ledger.models import Project

AS_OF = date(2026, 11, 27)
CODE = "MQDH2026"


@pytest.fixture
def scheme(personas):
    c = personas.campaign
    do_save_scheme_indicator(c, "contract_amount", Decimal(60), "capped")
    do_save_scheme_indicator(c, "contract_projects", Decimal(40), "efficacy")
    do_save_scheme_adjustment(c, "top500", Decimal(5), Decimal(10))
    return c


@pytest.fixture
def published(scheme, personas):
    return do_publish_assessment(scheme, AS_OF, actor=personas.user("admin"))


def _ranking(html: str) -> list[tuple[str, str]]:
    import re

    rows = re.findall(r'<tr data-unit="(\d+)">(.*?)</tr>', html, re.S)
    return [(code, re.findall(r"<strong>([\d.\-]+)</strong>", body)[0]) for code, body in rows]


def test_admin_sees_the_draft_ranking_computed_by_hand(scheme, client_for):
    page = client_for("admin").get(f"/assessment/{CODE}/draft/?as_of=2026-11-27")
    assert page.status_code == 200
    html = page.content.decode()
    assert _ranking(html) == [("522601", "94.20"), ("522640", "85.00"), ("522631", "42.00")]
    assert "州投资促进局" not in html.split("assessment-ranking")[1]
    assert "征求意见稿" in html


def test_reporter_may_not_see_the_draft_and_outsider_sees_nothing(scheme, client_for):
    assert client_for("r522601").get(f"/assessment/{CODE}/draft/").status_code == 403
    assert client_for("outsider").get(f"/assessment/{CODE}/").status_code == 404
    assert client_for("outsider").get(f"/assessment/{CODE}/scheme/").status_code == 404


def test_admin_edits_the_scheme_and_the_change_keeps_its_history(scheme, client_for, personas):
    data = {
        "use_contract_amount": "on",
        "weight_contract_amount": "70",
        "method_contract_amount": "capped",
        "use_top500": "on",
        "points_top500": "3",
        "cap_top500": "",
    }
    for ind in ("contract_projects", "top500_enterprises", "park_projects"):
        data[f"method_{ind}"] = "capped"
    for ind in ("industrial_projects", "funds_in_place"):
        data[f"method_{ind}"] = "capped"
    response = client_for("admin").post(f"/assessment/{CODE}/scheme/", data)
    assert response.status_code == 302
    c = personas.campaign
    assert {(s.indicator, s.weight) for s in SchemeIndicator.objects.filter(campaign=c)} == {
        ("contract_amount", Decimal("70.00"))
    }
    history = SchemeIndicator.history.filter(indicator="contract_projects").order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert history.last().history_user == personas.user("admin")
    page = client_for("admin").get(f"/assessment/{CODE}/scheme/")
    assert "合同投资额(万元) 70.00分 封顶比例" in text(page.content.decode())


def test_scheme_editor_names_a_missing_weight(scheme, client_for):
    data = {"use_park_projects": "on", "weight_park_projects": ""}
    page = client_for("admin").post(f"/assessment/{CODE}/scheme/", data)
    assert page.status_code == 200
    assert "请填写「园区项目数」的权重" in page.content.decode()


def test_reporter_cannot_change_the_scheme(scheme, client_for):
    client = client_for("r522601")
    assert client.get(f"/assessment/{CODE}/scheme/").status_code == 200
    assert client.post(f"/assessment/{CODE}/scheme/", {}).status_code == 403
    assert SchemeIndicator.objects.count() == 2


def test_publish_freezes_the_assessment(scheme, client_for, personas):
    response = client_for("admin").post(f"/assessment/{CODE}/publish/", {"as_of": "2026-11-27"})
    assert response.status_code == 302
    published = PublishedAssessment.objects.get()
    assert published.number == 1 and published.document["bulletin"]["number"] == 1
    # The ledger changes afterwards: the published page stays as it was.
    Project.objects.filter(code="LP-001").update(contract_amount=Decimal("30000"))
    page = client_for("admin").get(f"/assessment/{CODE}/1/")
    assert _ranking(page.content.decode())[-1] == ("522631", "42.00")
    with pytest.raises(AssessmentFrozen):
        published.save()
    with pytest.raises(AssessmentFrozen):
        published.delete()
    assert client_for("r522601").post(f"/assessment/{CODE}/publish/", {}).status_code == 403


def test_reporter_reads_the_published_ranking_and_only_its_own_records(published, client_for):
    client = client_for("r522601")
    page = client.get(f"/assessment/{CODE}/1/")
    assert page.status_code == 200
    assert [code for code, _ in _ranking(page.content.decode())] == ["522601", "522640", "522631"]
    own = client.get(f"/assessment/{CODE}/1/units/522601/")
    assert own.status_code == 200
    html = text(own.content.decode())
    assert "KL-001" in html and "KL-002" in html and "华岳新能源控股集团有限公司" in html
    assert client.get(f"/assessment/{CODE}/1/units/522631/").status_code == 404
    assert client.get(f"/assessment/{CODE}/1/units/522640/").status_code == 404


def test_leader_drills_down_on_the_draft(scheme, client_for):
    page = client_for("leader").get(f"/assessment/{CODE}/draft/units/522631/?as_of=2026-11-27")
    assert page.status_code == 200
    html = text(page.content.decode())
    # LP-001 counted; LP-003 contracted before the campaign started is not.
    assert "LP-001" in html and "LP-003" not in html
    assert "33.33%" in html  # 1 of 3 contract projects


@pytest.mark.parametrize(
    ("fmt", "magic"), [("docx", b"PK"), ("xlsx", b"PK")], ids=["word", "excel"]
)
def test_published_files_download_for_everyone_taking_part(published, client_for, fmt, magic):
    response = client_for("r522631").get(f"/assessment/{CODE}/1/{fmt}/")
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert "attachment" in response["Content-Disposition"]


def test_word_file_holds_the_ranking_table(published, client_for):
    import io

    from docx import Document

    response = client_for("admin").get(f"/assessment/{CODE}/1/docx/")
    doc = Document(io.BytesIO(response.content))
    table = doc.tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[1] == ["1", "凯里市", "49.20", "40.00", "5.00", "94.20"]
    assert rows[3] == ["3", "黎平县", "18.00", "24.00", "0.00", "42.00"]
    assert any("考 核 通 报" == p.text for p in doc.paragraphs)


def test_excel_file_holds_scores_and_records(published, client_for):
    import io

    from openpyxl import load_workbook

    response = client_for("admin").get(f"/assessment/{CODE}/1/xlsx/")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["考核通报", "考核排名", "得分明细", "加减分明细", "项目明细"]
    ranking = [list(r) for r in book["考核排名"].iter_rows(values_only=True)]
    assert ranking[1][:3] == [1, "522601", "凯里市"] and ranking[1][-1] == 94.2
    projects = {r[1] for r in book["项目明细"].iter_rows(min_row=2, values_only=True)}
    assert projects == {"KL-001", "KL-002", "LP-001", "KF-001"}


def test_pages_query_counts_do_not_grow_with_units(
    published, client_for, django_assert_max_num_queries
):
    client = client_for("admin")
    # Session, user, memberships, campaign, the published document, visible units: a fixed few.
    pins = {
        f"/assessment/{CODE}/1/": 8,
        f"/assessment/{CODE}/1/units/522601/": 9,
        f"/assessment/{CODE}/": 9,
        f"/assessment/{CODE}/scheme/": 10,
        # The engine's queries (progress 8, scheme 2, paths 1, rounds 2 when asked) on top.
        f"/assessment/{CODE}/draft/?as_of=2026-11-27": 17,
        f"/assessment/{CODE}/draft/units/522601/?as_of=2026-11-27": 20,
    }
    for url, most in pins.items():
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200


def test_top500_indicator_drills_down_to_the_enterprises(scheme, client_for):
    from zhaoshang.assessment.models import SchemeAdjustment

    do_save_scheme_indicator(scheme, "top500_enterprises", Decimal(10), "capped")
    SchemeAdjustment.objects.all().delete()
    page = client_for("r522601")
    admin = client_for("admin")
    assert page.get(f"/assessment/{CODE}/draft/units/522601/").status_code == 403
    html = admin.get(f"/assessment/{CODE}/draft/units/522601/?as_of=2026-11-27").content.decode()
    # 凯里市: target 1, one top-500 enterprise (华岳新能源, through KL-001) → 10 × 1 = 10.00
    assert 'href="#records-top500_enterprises"' in html
    section = html.split('id="records-top500_enterprises"')[1]
    assert "华岳新能源控股集团有限公司" in section and "KL-001" in section
