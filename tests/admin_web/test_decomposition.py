"""The decomposition editor: the tree each persona sees, in-place edits, warnings, history.

Targets of MQDH2026 (tests/conftest.py), 合同投资额 in 万元:
    黔东南州 120,000 = 凯里市 50,000 + 黎平县 30,000 + 凯里经济开发区 40,000
    (州投资促进局 has none; 三棵树镇 under 凯里市 has none)
合同项目数: 9 = 4 + 3 + 2.  500强企业数: only 凯里市 1 (the prefecture has none).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.campaigns.decomposition import check_decomposition
from zhaoshang.campaigns.models import Target
from zhaoshang.campaigns.services import do_save_target
from zhaoshang.org.models import Person, UnitKind
from zhaoshang.org.services import do_save_unit

from .conftest import PERSONAS
from .helpers import HTMX, campaign_snapshot, text

EDITOR = "/campaigns/MQDH2026/targets/"


def save_url(unit_code: str, indicator: str = "contract_amount") -> str:
    return f"{EDITOR}{unit_code}/{indicator}/"


def target(personas, unit_code: str, indicator: str = "contract_amount") -> Target | None:
    return Target.objects.filter(
        campaign=personas.campaign, unit__code=unit_code, indicator=indicator
    ).first()


GET_MATRIX = {
    EDITOR: dict(
        admin=200, a522601=200, leader=200, r522601=200, r522631=200, outsider=404, root=200
    ),
    f"{EDITOR}?unit=522601": dict(
        admin=200, a522601=200, leader=200, r522601=200, r522631=404, outsider=404, root=200
    ),
    f"{EDITOR}?unit=522631": dict(
        admin=200, a522601=404, leader=200, r522601=404, r522631=200, outsider=404, root=200
    ),
    # Opening a row for editing needs the right to change it.
    f"{EDITOR}?edit=522601": dict(
        admin=200, a522601=200, leader=403, r522601=403, r522631=404, outsider=404, root=200
    ),
    f"{EDITOR}?edit=522601101": dict(
        admin=200, a522601=200, leader=403, r522601=403, r522631=404, outsider=404, root=200
    ),
    f"{save_url('522601')}history/": dict(
        admin=200, a522601=200, leader=200, r522601=200, r522631=404, outsider=404, root=200
    ),
    f"{save_url('522631')}history/": dict(
        admin=200, a522601=404, leader=200, r522601=404, r522631=200, outsider=404, root=200
    ),
    f"{save_url('522601', 'no_such_indicator')}history/": dict(
        admin=404, a522601=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
}


@pytest.mark.parametrize(
    ("url", "who", "expected"),
    [(url, who, statuses[who]) for url, statuses in GET_MATRIX.items() for who in PERSONAS],
)
def test_get_status(client_for, url, who, expected):
    assert client_for(who).get(url).status_code == expected, f"{who} GET {url}"


def row_codes(html: str) -> list[str]:
    import re

    return re.findall(r'<tr id="row-([^"]+)"', html)


def test_each_persona_sees_its_part_of_the_tree(client_for):
    assert row_codes(client_for("admin").get(EDITOR).content.decode()) == [
        "522600",
        "522601",
        "522601101",
        "522631",
        "522640",
        "522600-TC",
    ]
    # A county sees its own subtree only: neither the prefecture nor 黎平县.
    for who in ("r522601", "a522601"):
        html = client_for(who).get(EDITOR).content.decode()
        assert row_codes(html) == ["522601", "522601101"], who
        assert "黎平县" not in html and "120,000" not in html, who
    assert row_codes(client_for("r522631").get(EDITOR).content.decode()) == ["522631"]


def test_read_only_personas_get_no_edit_links(client_for):
    for who in ("leader", "r522601"):
        html = client_for(who).get(EDITOR).content.decode()
        assert "edit=" not in html, who
        assert "记录" in html, who


def test_county_admin_may_edit_its_townships_and_name_its_own_person(client_for):
    html = client_for("a522601").get(EDITOR).content.decode()
    assert "edit=522601101" in html and "edit=522601" in html
    form = client_for("a522601").get(f"{EDITOR}?edit=522601", **HTMX).content.decode()
    # The county's own value comes from the prefecture: shown, not editable.
    assert 'name="value"' in form and "disabled" in form and "由上级单位下达" in form


def test_sums_and_checks_per_row(client_for):
    page = text(client_for("admin").get(EDITOR))
    assert "各级目标与下级合计一致" in page
    assert "黔东南州 120,000 120,000 3/4 个下级已下达 ✓ 一致" in page
    assert "凯里市 50,000 — 0/1 个下级已下达 尚未分解" in page
    top500 = text(client_for("admin").get(f"{EDITOR}?indicator=top500_enterprises"))
    assert "黔东南州 未下达 1 1/4 个下级已下达 本级未下达目标" in top500


def _post(client, unit_code, indicator="contract_amount", **fields):
    data = {"value": "", "person": "", "deadline": "", "reason": "", "focus": ""}
    data.update(fields)
    return client.post(save_url(unit_code, indicator), data, **HTMX)


def test_warning_appears_when_children_differ_and_disappears_when_fixed(client_for, personas):
    client = client_for("admin")
    response = _post(client, "522631", value="35000", reason="黎平县新增签约项目")
    assert response.status_code == 200
    page = text(response)
    assert "<html" not in response.content.decode()  # the fragment only
    # More in the children than the parent (加压分解) is information, not an error.
    assert "ℹ 有 1 处加压分解（下级合计超出本级目标，属正常做法）" in page
    assert "⚠" not in page
    assert (
        "黔东南州 「合同投资额(万元)」：本级目标 120,000，3 个下级合计 125,000，下级合计超出本级 5,000"
        in page
    )
    assert re.search(r"ℹ 下级合计超出本级 5,000(?![.\d])", page)
    assert [m.unit_code for m in check_decomposition(personas.campaign)] == ["522600"]

    page = text(_post(client, "522600", value="125000", reason="州级目标相应提高"))
    assert "各级目标与下级合计一致" in page and "加压分解" not in page
    assert "黔东南州 125,000 125,000 3/4 个下级已下达 ✓ 一致" in page
    assert check_decomposition(personas.campaign) == []


def test_lower_children_say_less(client_for):
    page = text(_post(client_for("admin"), "522640", value="38000.5", reason="调减"))
    assert "⚠ 下级合计少 1,999.50" in page and "下级少 1,999.50" in page
    assert "有 1 处下级合计少于本级目标" in page


def test_reallocation_leaves_history_with_who_old_new_and_reason(client_for, personas):
    client = client_for("admin")
    _post(client, "522631", value="35000", reason="黎平县新增签约项目")
    record = target(personas, "522631").history.latest()
    assert record.history_user == personas.users["admin"]
    assert record.history_change_reason == "黎平县新增签约项目"
    assert record.prev_record.value == Decimal("30000") and record.value == Decimal("35000")
    page = text(client.get(f"{save_url('522631')}history/"))
    assert "黎平县「合同投资额(万元)」的调整记录" in page
    assert "州招商办管理员 修改 目标值 ： 30,000 → 35,000 黎平县新增签约项目" in page


def test_reason_is_required_to_change_an_allocated_value(client_for):
    before = campaign_snapshot()
    page = text(_post(client_for("admin"), "522631", value="35000"))
    assert "调整已下达的目标值时，请填写调整原因（记入变更记录）。" in page
    assert campaign_snapshot() == before


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": "-1"}, "目标值不能为负数。"),
        ({"value": "abc"}, "「abc」不是可识别的金额（例：5000、5,000、5000万、1.2亿）"),
        ({"value": "", "person": "张三"}, "请先填写目标值，再指定责任人和完成时限。"),
        ({"value": ""}, "请填写目标值。"),
        (
            {"value": "100", "deadline": "2027-01-10"},
            "完成时限应在行动期间（2026年10月20日 至 2026年12月5日）内。",
        ),
    ],
)
def test_validation_messages(client_for, fields, message):
    before = campaign_snapshot()
    # 州投资促进局 has no contract-amount target yet.
    page = text(_post(client_for("admin"), "522600-TC", **fields))
    assert message in page
    assert campaign_snapshot() == before


def test_new_target_with_a_new_person_and_deadline(client_for, personas):
    _post(client_for("admin"), "522600-TC", value="10000", person="韦艳文", deadline="2026-12-01")
    t = target(personas, "522600-TC")
    assert (t.value, t.person.name, t.deadline) == (Decimal("10000"), "韦艳文", date(2026, 12, 1))
    assert t.person.unit == personas.units["522600-TC"]
    assert t.history.get().history_change_reason == "下达目标任务"
    person_record = Person.history.get(name="韦艳文")
    assert person_record.history_user == personas.users["admin"]
    # The same name again is the same person, not a second one.
    _post(client_for("admin"), "522600-TC", "contract_projects", value="1", person="韦艳文")
    assert Person.objects.filter(name="韦艳文").count() == 1


def test_empty_value_withdraws_a_target_with_history(client_for, personas):
    pk = target(personas, "522640").pk
    page = text(_post(client_for("admin"), "522640", value="", reason="开发区不再单列"))
    assert "已取消 凯里经济开发区 的「合同投资额(万元)」目标" in page
    assert target(personas, "522640") is None
    record = Target.history.filter(id=pk).latest()
    assert record.history_type == "-" and record.history_change_reason == "开发区不再单列"
    assert re.search(r"下级合计少 40,000(?![.\d])", page)


@pytest.mark.parametrize(
    ("who", "unit_code", "expected"),
    [
        ("leader", "522631", 403),
        ("r522601", "522601", 403),
        ("r522601", "522601101", 403),
        ("r522601", "522631", 404),
        ("r522631", "522601", 404),
        ("a522601", "522631", 404),
        ("a522601", "522600", 404),
        ("outsider", "522601", 404),
        ("admin", "NO-SUCH", 404),
    ],
)
def test_refused_saves_write_nothing(client_for, who, unit_code, expected):
    before = campaign_snapshot()
    response = _post(client_for(who), unit_code, value="1", person="某某", reason="越权")
    assert response.status_code == expected
    assert campaign_snapshot() == before


def test_county_admin_cannot_change_its_own_value_but_names_its_person(client_for, personas):
    response = _post(
        client_for("a522601"), "522601", value="99999", person="石军军", reason="自行调高"
    )
    assert response.status_code == 200
    t = target(personas, "522601")
    # The posted value is ignored (the field is disabled); the person is saved.
    assert t.value == Decimal("50000") and t.person.name == "石军军"
    assert t.history.latest().history_user == personas.users["a522601"]


def test_county_admin_allocates_to_its_township(client_for, personas):
    page = text(_post(client_for("a522601"), "522601101", value="20000"))
    assert target(personas, "522601101").value == Decimal("20000")
    assert re.search(r"凯里市 50,000 20,000 1/1 个下级已下达 ⚠ 下级合计少 30,000(?![.\d])", page)
    # The county sees the mismatch of its own subtree, nothing above it.
    assert "凯里市 「合同投资额(万元)」" in page and "黔东南州" not in page


def test_without_javascript_a_save_redirects_back_to_the_row(client_for, personas):
    client = client_for("admin")
    response = client.post(
        save_url("522631"), {"value": "30000", "person": "杨华", "reason": "", "focus": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{EDITOR}?indicator=contract_amount#row-522631"
    assert target(personas, "522631").person.name == "杨华"
    assert "已保存 黎平县 的「合同投资额(万元)」" in text(client.get(response["Location"]))


def test_focus_shows_a_subtree_with_its_trail(client_for):
    page = text(client_for("admin").get(f"{EDITOR}?unit=522601"))
    assert "全部 › 凯里市" in page
    html = client_for("admin").get(f"{EDITOR}?unit=522601").content.decode()
    assert row_codes(html) == ["522601", "522601101"]


def test_deep_units_fold_behind_a_link(client_for, personas):
    town = personas.units["522601101"]
    for i in range(2):
        do_save_unit(f"522601101-{i}", name=f"村{i}", kind=UnitKind.OTHER, parent=town, order=i)
    html = client_for("admin").get(EDITOR).content.decode()
    # Shown two levels deep: the villages are behind 三棵树镇's 展开 link.
    assert "522601101-0" not in row_codes(html)
    assert "展开 2 个下级" in html
    html = client_for("admin").get(f"{EDITOR}?unit=522601101").content.decode()
    assert row_codes(html) == ["522601101", "522601101-0", "522601101-1"]


def test_indicator_tabs_switch_the_table(client_for):
    page = text(client_for("admin").get(f"{EDITOR}?indicator=contract_projects", **HTMX))
    assert "黔东南州 9 9 3/4 个下级已下达 ✓ 一致" in page


# ---------------------------------------------------------------- query counts

# session, user, account (password-change middleware)            3
# scope (memberships), the campaign                               2
# editor: the tree's units, every target of the campaign          2
# top-bar memberships                                             1
EDITOR_QUERIES = 8


def _grow(personas, total: int) -> None:
    """Bring the prefecture to ``total`` children, each with a target and a township."""
    root = personas.units["522600"]
    for i in range(root.children.count(), total):
        unit, _c, _ch = do_save_unit(
            f"5226X{i:03d}", name=f"测试县{i}", kind=UnitKind.COUNTY, parent=root, order=100 + i
        )
        do_save_target(personas.campaign, unit, "contract_amount", Decimal(1000 + i))
        town, _c, _ch = do_save_unit(
            f"5226X{i:03d}-1", name=f"测试镇{i}", kind=UnitKind.TOWNSHIP, parent=unit, order=1
        )
        do_save_target(personas.campaign, town, "contract_amount", Decimal(500))


@pytest.mark.parametrize("size", [5, 40])
def test_editor_query_count_does_not_grow_with_the_tree(
    client_for, personas, django_assert_num_queries, size
):
    _grow(personas, size)
    client = client_for("admin")
    with django_assert_num_queries(EDITOR_QUERIES):
        response = client.get(EDITOR)
    assert len(row_codes(response.content.decode())) == 1 + size + (size - 4) + 1
    # The htmx fragment: no top bar.
    with django_assert_num_queries(EDITOR_QUERIES - 1):
        client.get(f"{EDITOR}?indicator=contract_projects", **HTMX)


def test_target_accepts_yi_and_wan_as_typed(client_for, personas):
    """25.5亿 is 25.5 × 10,000 = 255,000 万元; 5,000万 is 5,000 万元."""
    client = client_for("admin")
    _post(client, "522631", value="25.5亿", reason="州政府加压")
    assert target(personas, "522631").value == Decimal("255000.00")
    _post(client, "522640", value="5,000万", reason="开发区调整")
    assert target(personas, "522640").value == Decimal("5000.00")
