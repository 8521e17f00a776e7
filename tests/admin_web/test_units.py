"""Administration of units: who may open which page, create, rename, reorder, move.

Units (tests/conftest.py): 黔东南州 522600 › 凯里市 522601 › 三棵树镇 522601101;
黎平县 522631, 凯里经济开发区 522640, 州投资促进局 522600-TC under the prefecture.
``admin`` runs the prefecture, ``a522601`` runs 凯里市 and below.
"""

from __future__ import annotations

import pytest

from zhaoshang.org.models import Unit, UnitKind
from zhaoshang.org.services import do_save_unit

from .conftest import PERSONAS
from .helpers import HTMX, org_snapshot, text

# Every page of a unit, for the matrix below.
PAGES = ["", "people/", "team/", "accounts/", "history/", "new/"]

UNIT_MATRIX = {
    "522600": dict(
        admin=200, a522601=404, leader=403, r522601=404, r522631=404, outsider=404, root=200
    ),
    "522601": dict(
        admin=200, a522601=200, leader=403, r522601=403, r522631=404, outsider=404, root=200
    ),
    "522601101": dict(
        admin=200, a522601=200, leader=403, r522601=403, r522631=404, outsider=404, root=200
    ),
    "522631": dict(
        admin=200, a522601=404, leader=403, r522601=404, r522631=403, outsider=404, root=200
    ),
    "NO-SUCH": dict(
        admin=404, a522601=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
    ),
}


@pytest.mark.parametrize(
    ("url", "who", "expected"),
    [
        (f"/org/units/{code}/{page}", who, statuses[who])
        for code, statuses in UNIT_MATRIX.items()
        for page in PAGES
        for who in PERSONAS
    ],
)
def test_get_status(client_for, url, who, expected):
    assert client_for(who).get(url).status_code == expected, f"{who} GET {url}"


# Editing a unit's own record belongs to the level above it.
EDIT_MATRIX = {
    "522600": dict(admin=403, a522601=404, leader=403, r522601=404, outsider=404, root=200),
    "522601": dict(admin=200, a522601=403, leader=403, r522601=403, outsider=404, root=200),
    "522601101": dict(admin=200, a522601=200, leader=403, r522601=403, outsider=404, root=200),
    "522631": dict(admin=200, a522601=404, leader=403, r522601=404, outsider=404, root=200),
}


@pytest.mark.parametrize(
    ("code", "who", "expected"),
    [(code, who, s[who]) for code, s in EDIT_MATRIX.items() for who in s],
)
def test_edit_page_status(client_for, code, who, expected):
    assert client_for(who).get(f"/org/units/{code}/edit/").status_code == expected


@pytest.mark.parametrize(
    ("who", "expected", "location"),
    [
        ("admin", 302, "/org/units/522600/"),
        ("a522601", 302, "/org/units/522601/"),
        ("root", 302, "/org/units/522600/"),
        ("leader", 403, None),
        ("r522601", 403, None),
        ("outsider", 403, None),
    ],
)
def test_index_goes_to_the_administered_unit(client_for, who, expected, location):
    response = client_for(who).get("/org/")
    assert response.status_code == expected
    if location:
        assert response["Location"] == location


def test_nav_link_only_for_administrators(client_for):
    assert "单位与账号" in client_for("admin").get("/campaigns/").content.decode()
    assert "单位与账号" in client_for("a522601").get("/campaigns/").content.decode()
    assert "单位与账号" not in client_for("r522601").get("/campaigns/").content.decode()


def test_county_admin_sees_only_its_subtree(client_for):
    page = text(client_for("a522601").get("/org/units/522601/"))
    assert "三棵树镇" in page and "黎平县" not in page
    # The trail starts at 凯里市: the prefecture is not theirs to open.
    assert "单位与账号 › 凯里市" in page


def _new_unit(**changes) -> dict:
    data = {
        "code": "522601102",
        "name": "龙场镇",
        "kind": UnitKind.TOWNSHIP,
        "order": "20",
        "official_code": "on",
        "reason": "",
    }
    data.update(changes)
    return data


def test_county_admin_creates_a_township_with_history(client_for, personas):
    client = client_for("a522601")
    response = client.post("/org/units/522601/new/", _new_unit(reason="乡镇并入"))
    assert response.status_code == 302 and response["Location"] == "/org/units/522601/"
    unit = Unit.objects.get(code="522601102")
    kaili = personas.units["522601"]
    assert unit.parent == kaili and unit.path == f"{kaili.path}{unit.pk}/" and unit.depth == 2
    record = unit.history.get()
    assert record.history_user == personas.users["a522601"]
    assert record.history_change_reason == "乡镇并入"
    assert "已新建单位 龙场镇" in text(client.get("/org/units/522601/"))


@pytest.mark.parametrize(
    ("who", "parent", "expected"),
    [
        ("a522601", "522631", 404),
        ("a522601", "522600", 404),
        ("leader", "522601", 403),
        ("r522601", "522601", 403),
        ("outsider", "522601", 404),
    ],
)
def test_create_refused_writes_nothing(client_for, who, parent, expected):
    before = org_snapshot()
    response = client_for(who).post(f"/org/units/{parent}/new/", _new_unit())
    assert response.status_code == expected
    assert org_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "522631"}, "单位编码 522631 已被使用，请换一个。"),
        ({"code": "龙场"}, "单位编码只能包含数字、英文字母和短横线（-）。"),
        ({"name": "  "}, "这个字段是必填项。"),
        ({"order": "第一"}, "输入整数。"),
    ],
)
def test_create_validation_messages(client_for, changes, message):
    before = org_snapshot()
    response = client_for("admin").post("/org/units/522601/new/", _new_unit(**changes))
    assert response.status_code == 200
    assert message in text(response)
    assert org_snapshot() == before


def _edit(unit: Unit, **changes) -> dict:
    data = {
        "name": unit.name,
        "kind": unit.kind,
        "parent": str(unit.parent_id),
        "order": str(unit.order),
        "reason": "",
    }
    if unit.official_code:
        data["official_code"] = "on"
    data.update(changes)
    return data


def test_prefecture_admin_renames_a_county_with_history(client_for, personas):
    kaili = personas.units["522601"]
    response = client_for("admin").post(
        "/org/units/522601/edit/", _edit(kaili, name="凯里市人民政府", reason="规范名称")
    )
    assert response.status_code == 302
    kaili.refresh_from_db()
    assert kaili.name == "凯里市人民政府"
    record = kaili.history.latest()
    assert record.history_user == personas.users["admin"]
    assert (record.prev_record.name, record.name) == ("凯里市", "凯里市人民政府")
    page = text(client_for("admin").get("/org/units/522601/history/"))
    assert "单位名称 ： 凯里市 → 凯里市人民政府 规范名称" in page


def test_county_admin_cannot_rename_its_own_county(client_for, personas):
    before = org_snapshot()
    response = client_for("a522601").post(
        "/org/units/522601/edit/", _edit(personas.units["522601"], name="凯里")
    )
    assert response.status_code == 403
    assert org_snapshot() == before


def test_move_within_scope_rewrites_paths(client_for, personas):
    kaili = personas.units["522601"]
    other, _c, _ch = do_save_unit(
        "522601102", name="龙场镇", kind=UnitKind.TOWNSHIP, parent=kaili, order=2
    )
    village, _c, _ch = do_save_unit(
        "522601101-1", name="某村", kind=UnitKind.OTHER, parent=personas.units["522601101"]
    )
    town = personas.units["522601101"]
    response = client_for("a522601").post(
        "/org/units/522601101/edit/", _edit(town, parent=str(other.pk), reason="区划调整")
    )
    assert response.status_code == 302
    town.refresh_from_db()
    village.refresh_from_db()
    assert town.parent == other and town.path == f"{other.path}{town.pk}/" and town.depth == 3
    assert village.path == f"{town.path}{village.pk}/" and village.depth == 4
    assert town.history.latest().history_change_reason == "区划调整"


def test_county_admin_cannot_move_a_township_out_of_its_county(client_for, personas):
    before = org_snapshot()
    town = personas.units["522601101"]
    liping = personas.units["522631"]
    response = client_for("a522601").post(
        "/org/units/522601101/edit/", _edit(town, parent=str(liping.pk))
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in text(response)
    assert org_snapshot() == before


def test_a_unit_cannot_move_under_itself(client_for, personas):
    village, _c, _ch = do_save_unit(
        "522601101-1", name="某村", kind=UnitKind.OTHER, parent=personas.units["522601101"]
    )
    before = org_snapshot()
    kaili = personas.units["522601"]
    response = client_for("admin").post(
        "/org/units/522601/edit/", _edit(kaili, parent=str(village.pk))
    )
    assert "选择一个有效的选项" in text(response)
    assert org_snapshot() == before


def test_reorder_swaps_siblings_with_history(client_for, personas):
    client = client_for("admin")
    # Children of the prefecture by order: 凯里市 1, 黎平县 11, 开发区 20, 促进局 90.
    response = client.post("/org/units/522631/shift/", {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"] == "/org/units/522600/?moved=522631&dir=up#children"
    orders = dict(Unit.objects.filter(code__in=["522601", "522631"]).values_list("code", "order"))
    assert orders == {"522601": 11, "522631": 1}
    record = Unit.objects.get(code="522631").history.latest()
    assert record.history_user == personas.users["admin"]
    assert record.history_change_reason == "调整排序"
    # The redrawn list keeps the keyboard focus on the moved unit's button.
    html = client.get(response["Location"]).content.decode()
    assert html.index("黎平县") < html.index("凯里市</a>")
    assert "autofocus" in html.split('id="unit-522631"', 1)[1].split("</tr>", 1)[0]


def test_reorder_at_the_edge_changes_nothing(client_for):
    before = org_snapshot()
    client_for("admin").post("/org/units/522601/shift/", {"direction": "up"})
    assert org_snapshot() == before


@pytest.mark.parametrize(
    ("who", "code", "expected"),
    [
        ("a522601", "522601", 403),  # its own county is placed by the prefecture
        ("a522601", "522631", 404),
        ("leader", "522631", 403),
        ("outsider", "522631", 404),
    ],
)
def test_reorder_refused_writes_nothing(client_for, who, code, expected):
    before = org_snapshot()
    assert client_for(who).post(f"/org/units/{code}/shift/", {"direction": "up"}).status_code == (
        expected
    )
    assert org_snapshot() == before


def test_reorder_by_htmx_swaps_the_list(client_for):
    response = client_for("admin").post(
        "/org/units/522631/shift/", {"direction": "down"}, follow=True, **HTMX
    )
    assert response.status_code == 200 and 'id="children"' in response.content.decode()


# ---------------------------------------------------------------- query counts

# session, user, account, scope, the unit, the trail, the children with counts,
# the top-bar memberships
UNIT_PAGE_QUERIES = 8


@pytest.mark.parametrize("size", [5, 30])
def test_unit_page_query_count_is_fixed(client_for, personas, django_assert_num_queries, size):
    kaili = personas.units["522601"]
    for i in range(kaili.children.count(), size):
        town, _c, _ch = do_save_unit(
            f"522601X{i:03d}", name=f"测试镇{i}", kind=UnitKind.TOWNSHIP, parent=kaili
        )
        do_save_unit(f"522601X{i:03d}-1", name=f"测试村{i}", kind=UnitKind.OTHER, parent=town)
    client = client_for("admin")
    with django_assert_num_queries(UNIT_PAGE_QUERIES):
        response = client.get("/org/units/522601/")
    assert response.content.decode().count('<tr id="unit-') == size
