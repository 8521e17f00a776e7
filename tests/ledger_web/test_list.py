"""The project ledger list: every filter, pinyin search, pinyin sort, totals, pages, saved filters."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.ledger.models import Project, SavedFilter, Stage
from zhaoshang.ledger.services import do_change_stage, do_drop_project

from ..conftest import add_project
from ..web.helpers import text
from .helpers import codes, everything

ALL = ["TC-001", "KL-001", "KL-002", "KL-003", "LP-001", "LP-002", "LP-003", "KF-001"]


def _get(client, query=""):
    response = client.get(f"/projects/{query}")
    assert response.status_code == 200
    return response


# ------------------------------------------------------------------ pinyin search


@pytest.mark.parametrize("query", ["kls", "KLS", "kailishi", "凯里市", "kai li"])
def test_pinyin_initials_find_the_county_and_its_townships(client_for, query):
    # kls = 凯里市: its projects, KL-003 of its township 三棵树镇 included. The zone
    # 凯里经济开发区 matches "kl" but not "kls"; "kai li" also finds it.
    found = codes(_get(client_for("admin"), f"?q={query}"))
    assert {"KL-001", "KL-002", "KL-003"} <= set(found)
    assert not {"LP-001", "LP-002", "LP-003", "TC-001"} & set(found)
    if query in ("kls", "KLS", "kailishi", "凯里市"):
        assert found == ["KL-001", "KL-002", "KL-003"]


def test_pinyin_initials_of_a_project_name(client_for):
    # 新能源电池材料生产线项目 → xnydcclscxxm
    assert codes(_get(client_for("admin"), "?q=xny")) == ["KL-001"]
    assert codes(_get(client_for("admin"), "?q=xinnengyuan")) == ["KL-001"]


def test_search_finds_investor_by_name_and_initials(client_for):
    # 华岳新能源控股集团有限公司 → hyxnykgjtyxgs; it invests in KL-001 only.
    assert codes(_get(client_for("admin"), "?q=hyxny")) == ["KL-001"]
    assert codes(_get(client_for("admin"), "?q=华岳")) == ["KL-001"]
    assert codes(_get(client_for("admin"), "?investor=gzys")) == ["KL-002"]  # 广州云上


def test_search_follows_an_enterprise_rename(client_for, personas):
    tourism = personas.enterprises["广州云上文旅投资有限公司"]
    tourism.name = "珠江文旅集团有限公司"
    tourism.save()
    assert codes(_get(client_for("admin"), "?q=zjwl")) == ["KL-002"]


def test_search_stays_inside_scope(client_for):
    # 黎平县's reporter typing kls finds nothing: 凯里市 is not theirs to see.
    assert codes(_get(client_for("r522631"), "?q=kls")) == []
    assert codes(_get(client_for("r522631"), "?q=lpx")) == ["LP-001", "LP-002", "LP-003"]


def test_new_and_renamed_projects_get_their_keys_on_save(client_for, personas):
    add_project("KL-010", personas.units["522601"], "长顺茶叶加工项目", Stage.LEAD)
    # 长 has two readings: both are searchable.
    assert codes(_get(client_for("admin"), "?q=csc")) == ["KL-010"]
    assert codes(_get(client_for("admin"), "?q=zsc")) == ["KL-010"]
    project = Project.objects.get(code="KL-010")
    assert project.name_pinyin.startswith("chang shun") or project.name_pinyin.startswith(
        "zhang shun"
    )


# ------------------------------------------------------------------ filters


def test_every_filter_narrows_as_it_says(client_for, personas):
    client = client_for("admin")
    park = personas.parks["凯里市产业园"]
    cases = {
        "?stage=4": ["LP-001", "LP-003", "KF-001", "KL-001"],
        "?status=active": ALL,
        "?industry=C": [],
        f"?park={park.pk}": ["KL-001"],
        "?park=none": ["TC-001", "KL-002", "KL-003", "LP-002", "LP-003", "KF-001"],
        "?is_industrial=1": ["KL-001", "LP-001", "KF-001"],
        "?is_industrial=0": ["TC-001", "KL-002", "KL-003", "LP-002", "LP-003"],
        "?is_key=1": ["KL-001"],
        "?top500=1": ["KL-001"],
        "?top500=0": ["TC-001", "KL-002", "KL-003", "LP-001", "LP-002", "LP-003", "KF-001"],
        "?date_from=2026-11-10&date_to=2026-11-20": ["KL-002", "LP-001", "KF-001"],
        "?date_field=signed_on&date_from=2026-11-01": ["KL-002", "LP-002"],
        "?date_field=started_on&date_to=2026-11-30": ["KL-002"],
        "?amount_min=10000": ["KL-001", "KL-002", "KF-001"],
        "?amount_min=1亿": ["KL-001", "KL-002", "KF-001"],  # 1 亿 = 10000 万元
        "?amount_min=3.5亿": [],
        "?amount_max=9,000": ["LP-001", "LP-003"],
        "?amount_field=planned_investment&amount_min=2万": ["KL-001", "LP-002"],  # 2 万元
        "?amount_field=planned_investment&amount_min=5亿": ["KL-001"],  # 5 亿 = 50000 万元
        "?amount_field=planned_investment&amount_min=5.01亿": [],
        "?unit=522631&stage=4": ["LP-001", "LP-003"],
    }
    for query, expected in cases.items():
        assert sorted(codes(_get(client, query))) == sorted(expected), query


def test_dropped_projects_are_filtered_by_status(client_for, personas):
    do_drop_project(personas.projects["LP-002"], date(2026, 11, 20), "企业撤资", actor=None)
    client = client_for("admin")
    assert codes(_get(client, "?status=dropped")) == ["LP-002"]
    assert "LP-002" not in codes(_get(client, "?status=active"))
    html = _get(client, "?status=dropped").content.decode()
    # Dropped is said in words, not only by grey text.
    assert "终止" in text(html.split("<tbody>")[1])


def test_invalid_amount_is_explained_in_chinese(client_for):
    response = _get(client_for("admin"), "?amount_min=很多")
    assert codes(response) == []
    page = text(response.content.decode())
    assert "筛选条件有误" in page and "不是可识别的金额" in page


def test_invalid_date_is_explained_in_chinese(client_for):
    page = text(_get(client_for("admin"), "?date_from=2026-13-45").content.decode())
    assert "筛选条件有误" in page


def test_more_filters_open_by_themselves_when_used(client_for):
    html = _get(client_for("admin"), "?is_key=1").content.decode()
    assert '<details class="more-filters" open>' in html
    html = _get(client_for("admin"), "?stage=4").content.decode()
    assert '<details class="more-filters">' in html


def test_park_filter_offers_only_visible_parks(client_for):
    html = _get(client_for("r522601")).content.decode()
    select = re.search(r'<select name="park".*?</select>', html, re.S).group(0)
    assert "凯里市产业园" in select and "黎平县工业园区" not in select


def test_park_of_another_county_is_an_invalid_choice(client_for, personas):
    park = personas.parks["黎平县工业园区"]
    response = _get(client_for("r522601"), f"?park={park.pk}")
    assert codes(response) == []
    assert "筛选条件有误" in response.content.decode()


# ------------------------------------------------------------------ sorting


def test_names_sort_by_pinyin(client_for):
    # 竹木(zhu mu) 林产品(lin) 侗乡(dong) 新能源(xin) 苗侗(miao) 特色(te) 智能(zhi) 全州(quan)
    found = codes(_get(client_for("admin"), "?sort=name"))
    names = dict(Project.objects.values_list("code", "name"))
    pinyin_order = [
        "LP-002",  # 侗乡 dong
        "LP-001",  # 林产品 lin
        "KL-002",  # 苗侗 miao
        "TC-001",  # 全州 quan
        "KL-003",  # 特色 te
        "KL-001",  # 新能源 xin
        "KF-001",  # 智能 zhi neng
        "LP-003",  # 竹木 zhu
    ]
    assert found == pinyin_order, [names[c] for c in found]
    assert codes(_get(client_for("admin"), "?sort=-name")) == list(reversed(pinyin_order))


def test_amount_sort_puts_blank_amounts_last_when_descending(client_for):
    found = codes(_get(client_for("admin"), "?sort=-amount"))
    assert found[:5] == ["KF-001", "KL-001", "KL-002", "LP-001", "LP-003"]
    assert set(found[5:]) == {"TC-001", "KL-003", "LP-002"}


def test_sort_links_toggle_and_keep_the_filters(client_for):
    html = _get(client_for("admin"), "?stage=4&sort=amount").content.decode()
    header = re.search(r'<th scope="col" class="num" aria-sort="ascending">.*?</th>', html, re.S)
    assert header is not None
    assert "sort=-amount" in header.group(0) and "stage=4" in header.group(0)


def test_unknown_sort_is_refused_not_executed(client_for):
    response = _get(client_for("admin"), "?sort=password")
    assert codes(response) == []
    assert "筛选条件有误" in response.content.decode()


# ------------------------------------------------------------------ totals and pages


def test_totals_are_exact_over_the_whole_filtered_set(client_for, personas):
    kaili = personas.units["522601"]
    # Amounts whose float sum is not exact: 0.1 + 0.2 != 0.3 in binary.
    for i, amount in enumerate(["0.10", "0.20", "1234567.89"]):
        add_project(
            f"KL-T{i}",
            kaili,
            f"合计测试{i}",
            Stage.CONTRACTED,
            amount=amount,
            contract=date(2026, 11, 1),
        )
    response = _get(client_for("r522601"), "?per=20")
    # 30000 + 11000 + 0.10 + 0.20 + 1234567.89 = 1275568.19
    assert response.context["total_contract_amount"] == Decimal("1275568.19")
    page = text(response.content.decode())
    assert "合计（筛选结果全部 6 个项目） 1,275,568.19" in page
    # The headline in 亿元 once past 1 亿: 1,275,568.19 万元 = 127.56 亿元 (two decimals).
    assert "合同投资额合计 127.56 亿元" in page
    # Planned investment: only KL-001 has one (50000).
    assert response.context["total_planned_investment"] == Decimal("50000")


def test_page_size_choice_and_pages(client_for, personas):
    kaili = personas.units["522601"]
    for i in range(25):
        add_project(f"KLP-{i:03d}", kaili, f"储备项目{i}", Stage.LEAD)
    client = client_for("r522601")
    first = _get(client, "?per=20")
    assert len(first.context["page"].object_list) == 20
    assert "第 1 / 2 页" in first.content.decode()
    assert len(_get(client, "?per=20&page=2").context["page"].object_list) == 8
    # An unknown size falls back to 50, it never lets a page grow without bound.
    assert len(_get(client, "?per=100000").context["page"].object_list) == 28


def test_htmx_request_returns_only_the_table(client_for):
    response = client_for("admin").get("/projects/?q=lpx", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "LP-001" in html and "KL-001" not in html
    # The export link of the fragment carries the same filter.
    assert "/ledger/projects/export.xlsx?q=lpx" in html


# ------------------------------------------------------------------ saved filters


def test_save_apply_and_delete_a_filter(client_for, personas):
    client = client_for("r522601")
    response = client.post(
        "/ledger/filters/",
        {"name": "凯里合同项目", "query": "stage=4&page=3&bogus=1&q=kl"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    saved = SavedFilter.objects.get(user=personas.users["r522601"])
    # Only the list's own parameters are kept; never the page number.
    assert saved.query == "q=kl&stage=4"
    assert "凯里合同项目" in response.content.decode()
    page = _get(client)
    assert 'href="/projects/?q=kl&amp;stage=4"' in page.content.decode()
    # Saving the same name again replaces the query.
    client.post("/ledger/filters/", {"name": "凯里合同项目", "query": "stage=5"})
    assert SavedFilter.objects.get(pk=saved.pk).query == "stage=5"
    client.post(f"/ledger/filters/{saved.pk}/delete/")
    assert not SavedFilter.objects.exists()


def test_saved_filters_are_per_user(client_for, personas):
    client_for("r522601").post("/ledger/filters/", {"name": "我的", "query": "stage=4"})
    assert [f.name for f in _get(client_for("r522601")).context["saved_filters"]] == ["我的"]
    assert _get(client_for("r522631")).context["saved_filters"] == []


def test_saving_without_a_name_says_why(client_for):
    before = everything()
    response = client_for("r522601").post(
        "/ledger/filters/", {"name": "", "query": "stage=4"}, headers={"HX-Request": "true"}
    )
    assert "请为常用筛选起个名称" in response.content.decode()
    assert everything() == before


def test_stage_change_is_seen_in_the_list(client_for, personas):
    do_change_stage(
        personas.projects["LP-002"],
        Stage.CONTRACTED,
        date(2026, 11, 26),
        actor=None,
        contract_amount=Decimal("8000"),
    )
    assert "LP-002" in codes(_get(client_for("r522631"), "?stage=4"))
