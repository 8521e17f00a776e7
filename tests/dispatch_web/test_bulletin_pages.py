"""Bulletins on the web: the page, its charts' data, publishing, freezing, files, drill-down.

第1期 (conftest.py) is as of 2026-11-20; required 50 + 50 × 5/20 = 62.5 %:
    凯里市          KL-001 30000 + KL-002 11000 = 41000 / 50000 = 82.00 %  +19.50  green  1st
    凯里经济开发区  KF-001 30000                       / 40000 = 75.00 %  +12.50  green  2nd
    黎平县          LP-001  9000                       / 30000 = 30.00 %  −32.50  red    3rd
    州投资促进局    nothing, no target                                            none   —
    黔东南州        80000 / 120000 = 66.67 %
"""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal
from urllib.parse import unquote

import docx
import openpyxl
import pytest

from tests.conftest import add_project
from tests.web.helpers import text
from zhaoshang.dispatch.models import Bulletin
from zhaoshang.ledger.models import Stage

from .conftest import dispatch_rows

C = "/dispatch/MQDH2026"


def main_html(response) -> str:
    """The page's <main>, without what changes per request (CSRF tokens, messages)."""
    html = response.content.decode()
    main = html.split('<main class="page">', 1)[1].split("</main>", 1)[0]
    main = re.sub(r'<ul class="messages">.*?</ul>', "", main, flags=re.S)
    main = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)
    return re.sub(r"\s+", " ", main).strip()


def chart_json(response) -> dict:
    html = response.content.decode()
    found = re.search(
        r'<script id="bulletin-charts" type="application/json">(.*?)</script>', html, re.S
    )
    return json.loads(found.group(1))


def docx_texts(data: bytes) -> list[str]:
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return texts


def xlsx_values(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}
    finally:
        book.close()


def add_late_contract(personas):
    """A 凯里市 contract of 11-26 for 20000 万元, entered after 第1期 and 第2期."""
    return add_project(
        "KL-009",
        personas.unit("522601"),
        "新增电子元件项目",
        Stage.CONTRACTED,
        amount="20000",
        contract=date(2026, 11, 26),
    )


# ---------------------------------------------------------------- the page


def test_published_page_shows_the_document(client_for, cycle):
    response = client_for("leader").get(f"{C}/bulletins/1/")
    page = text(response.content.decode())
    assert "调度通报 第1期" in page
    assert "关于2026年民营企业发展大会招商签约专项行动工作推进情况的通报" in page
    assert "截至2026年11月20日，黔东南州合同投资额完成8亿元，占目标任务12亿元的66.67%" in page
    # ranking, with the status in words beside its colour
    assert re.search(r"1 凯里市 50,000 41,000 82.00%.*?超 19.50 个百分点 绿", page)
    assert re.search(r"3 黎平县 30,000 9,000 30.00%.*?落后 32.50 个百分点 红", page)
    assert re.search(r"— 州投资促进局 — 0 — 无目标", page)
    assert "黔东南州合计 120,000 80,000 66.67%" in page
    # the diagnoses, sentence by sentence, and the reporting round
    assert "工作目标差距大 1 个单位" in page
    assert "黎平县合同投资额完成率30.00%，落后序时进度32.50个百分点，为红色。" in page
    assert "第1次调度（截止 2026年11月20日 17:00）应报 4 个单位" in page
    # first issue: every counted project is new
    assert "本期为首期通报，计入项目共 4 个，合同投资额 80,000 万元" in page


def test_chart_data_is_the_documents_figures(client_for, cycle):
    response = client_for("admin").get(f"{C}/bulletins/1/")
    charts = chart_json(response)
    doc = cycle["first"].document
    ranking = charts["ranking"]
    assert ranking["units"] == ["凯里市", "凯里经济开发区", "黎平县", "州投资促进局"]
    assert ranking["completion"] == [82.0, 75.0, 30.0, None]
    assert ranking["required"] == doc["required_pct"] == 62.5
    assert ranking["status_words"] == ["绿", "绿", "红", "无目标"]
    curve = charts["curve"]
    points = {p["date"]: p for p in doc["curve"]["points"]}
    assert curve["dates"] == list(points)
    assert curve["achieved"][curve["dates"].index("2026-11-20")] == 80000.0
    assert curve["achieved"][-1] is None  # after the as-of day: not drawn
    assert curve["required"][curve["dates"].index("2026-12-05")] == 120000.0
    # funnel: 8 projects, LP-003 contracted 09-30 counts as 合同 in the ledger's pipeline
    assert [(f["name"], f["value"]) for f in charts["funnel"]] == [
        (level["label"], level["count"]) for level in doc["stages"]["levels"]
    ]
    html = response.content.decode()
    assert 'id="chart-ranking"' in html and "vendor/echarts.min.js" in html


def test_only_units_in_scope_are_drillable(client_for, cycle):
    html = client_for("r522601").get(f"{C}/bulletins/1/").content.decode()
    assert 'data-drill="522601"' in html
    assert 'data-drill="522631"' not in html and 'data-drill="522640"' not in html
    office = client_for("admin").get(f"{C}/bulletins/1/").content.decode()
    assert all(f'data-drill="{code}"' in office for code in ("522601", "522631", "522640"))


def test_draft_page_for_the_office_with_publish_button(client_for, cycle):
    page = text(client_for("admin").get(f"{C}/bulletins/draft/?as_of=2026-11-27").content.decode())
    assert "（征求意见稿）" in page and "发布为正式通报" in page
    assert "这是按台账当前数据生成的草稿" in page
    # compared with 第1期: 凯里市 unchanged at 41000, completion unchanged
    assert "较第1期" in page
    leader = text(
        client_for("leader").get(f"{C}/bulletins/draft/?as_of=2026-11-27").content.decode()
    )
    assert "（征求意见稿）" in leader and "发布为正式通报" not in leader


def test_draft_of_a_published_day_says_so(client_for, cycle):
    page = text(client_for("admin").get(f"{C}/bulletins/draft/?as_of=2026-11-20").content.decode())
    assert "该日已发布 第1期 ；再次发布将成为新的一期" in page


def test_bulletin_list(client_for, cycle):
    page = text(client_for("r522631").get(f"{C}/bulletins/").content.decode())
    assert "第1期 2026年11月20日 州招商办管理员" in page
    assert "生成通报草稿" not in page  # drafts are the office's
    assert "生成通报草稿" in text(client_for("leader").get(f"{C}/bulletins/").content.decode())


# ---------------------------------------------------------------- publishing and freezing


def test_publish_freezes_page_and_files_while_the_next_shows_the_change(
    client_for, personas, cycle
):
    admin = client_for("admin")
    response = admin.post(f"{C}/bulletins/publish/", {"as_of": "2026-11-27"})
    assert response.status_code == 302 and response["Location"] == f"{C}/bulletins/2/"
    second = Bulletin.objects.get(number=2)
    assert second.previous == cycle["first"] and second.published_by == personas.user("admin")
    page_before = main_html(admin.get(f"{C}/bulletins/2/"))
    docx_before = admin.get(f"{C}/bulletins/2/docx/").content
    xlsx_before = admin.get(f"{C}/bulletins/2/xlsx/").content
    assert "第2期" in text(page_before)

    add_late_contract(personas)

    # The published issue: page, Word and Excel exactly as they were.
    assert main_html(admin.get(f"{C}/bulletins/2/")) == page_before
    assert docx_texts(admin.get(f"{C}/bulletins/2/docx/").content) == docx_texts(docx_before)
    assert xlsx_values(admin.get(f"{C}/bulletins/2/xlsx/").content) == xlsx_values(xlsx_before)
    assert re.search(r"41,000(?![.\d])", text(page_before)) and "61,000" not in text(page_before)

    # A draft of the same day reads the ledger now: 凯里市 41000 + 20000 = 61000.
    draft = text(admin.get(f"{C}/bulletins/draft/?as_of=2026-11-27").content.decode())
    assert re.search(r"凯里市 50,000 61,000 122.00%", draft)

    # 第3期 shows what changed since 第2期: +20000 and +40 个百分点 for 凯里市.
    admin.post(f"{C}/bulletins/publish/", {"as_of": "2026-11-27"})
    third = text(admin.get(f"{C}/bulletins/3/").content.decode())
    assert "较第2期" in third
    assert re.search(r"凯里市 50,000 61,000 122.00%.*?— \+20,000 \+40.00个百分点", third)
    assert "新增电子元件项目" in third  # signed since the previous issue


def test_publishing_behind_the_latest_issue_is_refused(client_for, cycle):
    before = dispatch_rows()
    response = client_for("admin").post(
        f"{C}/bulletins/publish/", {"as_of": "2026-11-19"}, follow=True
    )
    assert "早于已发布的第1期" in text(response.content.decode())
    assert dispatch_rows() == before


# ---------------------------------------------------------------- files


def test_word_download_opens_and_holds_the_tables(client_for, cycle):
    response = client_for("r522601").get(f"{C}/bulletins/1/docx/")
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    real = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(real) == "调度通报_MQDH2026_第1期_2026-11-20.docx"
    texts = docx_texts(response.content)
    assert "第1期" in texts
    assert "凯里市" in texts and "41,000" in texts and "82.00%" in texts


def test_excel_download_opens_and_holds_the_tables(client_for, cycle):
    response = client_for("leader").get(f"{C}/bulletins/1/xlsx/")
    assert unquote(response["Content-Disposition"].split("''", 1)[1]) == (
        "调度通报_MQDH2026_第1期_2026-11-20.xlsx"
    )
    sheets = xlsx_values(response.content)
    ranking = sheets["进度排名"]
    kaili = next(row for row in ranking if "凯里市" in row)
    assert 41000 in kaili
    details = sheets["项目明细"]
    assert details[0][-1] == "到位资金(万元)"
    codes = sorted(row[0] for row in details[1:])
    assert codes == ["KF-001", "KL-001", "KL-002", "LP-001"]
    kl001 = next(row for row in details if row[0] == "KL-001")
    assert kl001[-1] == 5000  # 首期到位 on 11-20


def test_draft_download_is_marked_as_a_draft(client_for, cycle):
    response = client_for("admin").get(f"{C}/bulletins/draft/docx/?as_of=2026-11-27")
    assert unquote(response["Content-Disposition"].split("''", 1)[1]) == (
        "调度通报_MQDH2026_草稿_2026-11-27.docx"
    )
    assert "（征求意见稿）" in docx_texts(response.content)


# ---------------------------------------------------------------- drill-down


def test_a_units_achieved_drills_down_to_its_counted_projects(client_for, cycle):
    page = text(
        client_for("admin")
        .get(f"{C}/bulletins/1/projects/?row=522601&indicator=contract_amount")
        .content.decode()
    )
    assert "计入的项目 · 凯里市 · 合同投资额(万元)" in page
    assert "共 2 个项目，合同投资额合计 41,000 万元，到位资金合计 5,000 万元" in page
    assert "KL-001" in page and "KL-002" in page and "LP-001" not in page


@pytest.mark.parametrize(
    "indicator, codes",
    [
        ("park_projects", ["KL-001"]),
        ("industrial_projects", ["KL-001"]),
        ("top500_enterprises", ["KL-001"]),
        ("funds_in_place", ["KL-001"]),
        ("contract_projects", ["KL-001", "KL-002"]),
    ],
)
def test_each_indicator_drills_down_to_its_own_projects(client_for, cycle, indicator, codes):
    html = (
        client_for("admin")
        .get(f"{C}/bulletins/1/projects/?row=522601&indicator={indicator}")
        .content.decode()
    )
    listed = re.findall(r'<td class="code"><a href="/projects/([^/]+)/">', html)
    assert listed == codes


def test_drill_down_is_scoped_to_what_the_user_sees(client_for, cycle):
    page = text(client_for("r522631").get(f"{C}/bulletins/1/projects/?row=522601").content.decode())
    assert "KL-001" not in page
    assert "共 0 个项目" in page and "另有 2 个项目不在本账号的查看范围内" in page
    own = client_for("r522601").get(f"{C}/bulletins/1/projects/").content.decode()
    # The whole prefecture's list, as far as 凯里市 may see: its own two.
    assert re.findall(r'<td class="code"><a href="/projects/([^/]+)/">', own) == [
        "KL-001",
        "KL-002",
    ]
    assert "另有 2 个项目不在本账号的查看范围内" in text(own)


def test_drill_down_totals_reconcile_with_the_ranking(client_for, cycle):
    doc = cycle["first"].document
    client = client_for("admin")
    for row in doc["children"]:
        page = text(client.get(f"{C}/bulletins/1/projects/?row={row['code']}").content.decode())
        achieved = Decimal(row["indicators"]["contract_amount"]["achieved"])
        # Whole amounts without cents (41,000), others with both digits (41,000.50).
        shown = f"{achieved:,.0f}" if achieved == achieved.to_integral() else f"{achieved:,.2f}"
        assert f"合同投资额合计 {shown} 万元" in page


def test_new_and_stuck_lists_in_full(client_for, cycle):
    client = client_for("admin")
    new = text(client.get(f"{C}/bulletins/1/projects/?set=new").content.decode())
    assert "新增合同项目" in new and "共 4 个项目" in new
    stuck = client.get(f"{C}/bulletins/1/projects/?set=stuck")
    assert stuck.status_code == 200
    assert client.get(f"{C}/bulletins/1/projects/?set=other").status_code == 404
    assert client.get(f"{C}/bulletins/1/projects/?indicator=nope").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/dispatch/",
        f"{C}/rounds/",
        f"{C}/bulletins/",
        f"{C}/bulletins/1/",
        f"{C}/bulletins/draft/?as_of=2026-11-27",
        f"{C}/bulletins/1/projects/?row=522601",
    ],
)
def test_pages_render_under_the_english_interface(client_for, cycle, url):
    # Labels go through gettext; the bulletin's own text stays Chinese, as published.
    client = client_for("admin")
    client.cookies["django_language"] = "en"
    assert client.get(url).status_code == 200


def test_round_page_renders_under_the_english_interface(client_for, cycle):
    client = client_for("r522601")
    client.cookies["django_language"] = "en"
    assert client.get(f"{C}/rounds/{cycle['r1'].pk}/").status_code == 200
