"""Every ledger page and action against every persona: 200 / 302, 403 for read-only roles,
404 out of scope (existence hidden), and nothing written when refused.

凯里市's project KL-001 and enterprise 华岳 (registered by 凯里市) are inside the
prefecture's and 凯里市's scope, outside 黎平县's; the leader reads everything
and writes nothing; the outsider has no unit at all.
"""

from __future__ import annotations

import pytest
from django.test import Client

from zhaoshang.ledger.models import Enterprise, FundsEntry, Stage

from .conftest import pdf
from .helpers import everything

PERSONAS = ["admin", "leader", "r522601", "r522631", "outsider", "root"]
HUAYUE = "华岳新能源控股集团有限公司"
MIAOLING = "黔东南苗岭农业发展有限公司"

EDIT_KL = dict(admin=200, leader=403, r522601=200, r522631=404, outsider=404, root=200)
READ_KL = dict(admin=200, leader=200, r522601=200, r522631=404, outsider=404, root=200)
READ_LP = dict(admin=200, leader=200, r522601=404, r522631=200, outsider=404, root=200)
EVERYONE = dict(admin=200, leader=200, r522601=200, r522631=200, outsider=200, root=200)
# Pages that add records: read-only roles 403; nobody-anywhere 404.
ADDING = dict(admin=200, leader=403, r522601=200, r522631=200, outsider=404, root=200)


def _urls(personas, attachment):
    huayue = personas.enterprises[HUAYUE].pk
    miaoling = personas.enterprises[MIAOLING].pk
    funds = FundsEntry.objects.get(project__code="KL-001").pk
    return {
        "/projects/": EVERYONE,
        "/projects/?q=kls": EVERYONE,
        "/projects/KL-001/": READ_KL,
        "/projects/LP-001/": READ_LP,
        "/projects/KL-001/edit/": EDIT_KL,
        "/ledger/projects/new/": ADDING,
        "/ledger/projects/export.xlsx": EVERYONE,
        f"/ledger/projects/KL-001/stage/{Stage.STARTED}/": EDIT_KL,
        f"/ledger/projects/KL-001/stage/{Stage.SIGNED}/": EDIT_KL,
        "/ledger/projects/KL-001/drop/": EDIT_KL,
        "/ledger/projects/KL-001/restore/": EDIT_KL,
        f"/ledger/projects/KL-001/funds/{funds}/": EDIT_KL,
        f"/ledger/projects/KL-001/attachments/{attachment.pk}/": READ_KL,
        # An attachment id under another project is not found there.
        f"/ledger/projects/LP-001/attachments/{attachment.pk}/": dict(
            admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
        ),
        "/ledger/enterprises/": EVERYONE,
        "/ledger/enterprises/new/": ADDING,
        f"/ledger/enterprises/{huayue}/": READ_KL,
        f"/ledger/enterprises/{huayue}/edit/": EDIT_KL,
        f"/ledger/enterprises/{miaoling}/": READ_LP,
        "/ledger/enterprises/check/?name=华岳新能源": EVERYONE,
        "/ledger/follow-ups/": EVERYONE,
        "/ledger/follow-ups/?unit=522601": dict(
            admin=200, leader=200, r522601=200, r522631=200, outsider=200, root=200
        ),
        "/ledger/follow-ups/new/": ADDING,
        "/ledger/autocomplete/projects/?name=project&q_project=kl": EVERYONE,
        "/ledger/autocomplete/enterprises/?name=investors&q_investors=hy": EVERYONE,
        "/ledger/autocomplete/enterprises/?name=bogus": dict(
            admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
        ),
        "/ledger/projects/NO-SUCH/drop/": dict(
            admin=404, leader=404, r522601=404, r522631=404, outsider=404, root=404
        ),
        "/ledger/projects/KL-001/stage/9/": dict(
            admin=404, leader=403, r522601=404, r522631=404, outsider=404, root=404
        ),
    }


def test_every_get_status(client_for, personas, attachment):
    failures = []
    for url, statuses in _urls(personas, attachment).items():
        for who in PERSONAS:
            status = client_for(who).get(url).status_code
            if status != statuses[who]:
                failures.append(f"{who} GET {url}: {status}, expected {statuses[who]}")
    assert failures == []


@pytest.mark.parametrize(
    "url",
    [
        "/ledger/projects/new/",
        "/ledger/projects/export.xlsx",
        "/ledger/enterprises/",
        "/ledger/follow-ups/",
        "/ledger/follow-ups/new/",
        "/ledger/autocomplete/projects/?name=project",
    ],
)
def test_signed_out_visitor_is_sent_to_login(db, url):
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


# ------------------------------------------------------------------ writes


def _posts(personas):
    """(name, url, form data, files) of every write the pages offer, aimed at 凯里市's data."""
    project = personas.projects["KL-001"]
    kaili = personas.units["522601"]
    huayue = personas.enterprises[HUAYUE]
    funds = FundsEntry.objects.get(project=project)
    return [
        (
            "stage",
            f"/ledger/projects/KL-001/stage/{Stage.STARTED}/",
            {"on": "2026-11-26", "version": project.version, "evidence": "开工仪式"},
        ),
        (
            "back",
            f"/ledger/projects/KL-001/stage/{Stage.SIGNED}/",
            {"on": "2026-11-26", "version": project.version, "reason": "合同作废"},
        ),
        (
            "drop",
            "/ledger/projects/KL-001/drop/",
            {"on": "2026-11-26", "reason": "企业撤资", "version": project.version},
        ),
        ("funds", "/ledger/projects/KL-001/funds/", {"on": "2026-11-25", "amount": "800"}),
        (
            "funds-correct",
            f"/ledger/projects/KL-001/funds/{funds.pk}/",
            {"amount": "5200", "reason": "按银行回单更正"},
        ),
        (
            "funds-delete",
            f"/ledger/projects/KL-001/funds/{funds.pk}/delete/",
            {"reason": "重复录入"},
        ),
        ("attach", "/ledger/projects/KL-001/attachments/", {"kind": "合同", "file": pdf()}),
        (
            "edit",
            "/projects/KL-001/edit/",
            {
                "name": project.name,
                "responsible_unit": kaili.pk,
                "reason": "测试",
                "version": project.version,
                "contract_amount": "30000",
                "note": "调度会后补充",
            },
        ),
        (
            "enterprise-edit",
            f"/ledger/enterprises/{huayue.pk}/edit/",
            {"name": huayue.name, "uscc": huayue.uscc, "origin": "浙江省杭州市", "reason": "核实"},
        ),
    ]


@pytest.mark.parametrize(
    ("who", "expected"),
    [("admin", 302), ("r522601", 302), ("leader", 403), ("r522631", 404), ("outsider", 404)],
)
@pytest.mark.parametrize(
    "name",
    [
        "stage",
        "back",
        "drop",
        "funds",
        "funds-correct",
        "funds-delete",
        "attach",
        "edit",
        "enterprise-edit",
    ],
)
def test_every_write_is_refused_to_readers_and_out_of_scope(
    client_for, personas, who, expected, name
):
    url, data = next((u, d) for n, u, d in _posts(personas) if n == name)
    before = everything()
    response = client_for(who).post(url, data)
    assert response.status_code == expected, response.content.decode()[:2000]
    # Refused: not one record or history row more; allowed: the write happened.
    assert (everything() == before) is (expected != 302)


@pytest.mark.parametrize(
    ("who", "unit", "expected"),
    [
        ("admin", "522601", 302),
        ("r522601", "522601", 302),
        ("r522601", "522601101", 302),
        ("r522631", "522601", 200),  # 凯里市 is not a choice for 黎平县: the form refuses it
        ("leader", "522601", 403),
        ("outsider", "522601", 404),
    ],
)
def test_adding_records_only_in_editable_units(client_for, personas, who, unit, expected):
    unit_pk = personas.units[unit].pk
    writes = [
        (
            "/ledger/projects/new/",
            {"code": f"NEW-{who}", "name": "新项目", "responsible_unit": unit_pk, "stage": "1"},
        ),
        (
            "/ledger/enterprises/new/",
            {"name": f"新客商{who}有限公司", "owner_unit": unit_pk},
        ),
        (
            "/ledger/follow-ups/new/",
            {"kind": "电话联系", "on": "2026-11-27", "unit": unit_pk, "content": "电话沟通"},
        ),
    ]
    for url, data in writes:
        before = everything()
        response = client_for(who).post(url, data)
        assert response.status_code == expected, f"{who} POST {url}"
        assert (everything() == before) is (expected != 302), f"{who} POST {url}"


def test_refused_follow_up_may_not_name_a_project_out_of_scope(client_for, personas):
    before = everything()
    response = client_for("r522601").post(
        "/ledger/follow-ups/new/",
        {
            "kind": "洽谈",
            "on": "2026-11-27",
            "unit": personas.units["522601"].pk,
            "project": personas.projects["LP-001"].pk,
            "content": "越权",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert everything() == before


def test_other_users_saved_filter_cannot_be_deleted(client_for, personas):
    from zhaoshang.ledger.services import do_save_filter

    saved, _ = do_save_filter(personas.users["r522601"], "我的合同项目", "stage=4")
    before = everything()
    assert client_for("r522631").post(f"/ledger/filters/{saved.pk}/delete/").status_code == 404
    assert everything() == before


def test_enterprise_of_another_unit_is_visible_through_a_project_but_not_editable(
    client_for, personas
):
    # 州投资促进局's enterprise invests in a 凯里市 project: 凯里市 sees it, may not change it.
    from zhaoshang.ledger.services import do_save_enterprise

    other, _c, _ch = do_save_enterprise(
        name="州里登记的投资公司", owner_unit=personas.units["522600-TC"]
    )
    personas.projects["KL-002"].investors.add(other)
    client = client_for("r522601")
    assert client.get(f"/ledger/enterprises/{other.pk}/").status_code == 200
    assert client.get(f"/ledger/enterprises/{other.pk}/edit/").status_code == 403
    before = everything()
    response = client.post(
        f"/ledger/enterprises/{other.pk}/edit/", {"name": "改名", "reason": "越权"}
    )
    assert response.status_code == 403
    assert everything() == before
    assert Enterprise.objects.get(pk=other.pk).name == "州里登记的投资公司"


@pytest.mark.parametrize("who", PERSONAS)
def test_list_scope_is_exactly_what_visible_gives(client_for, personas, superuser, who):
    # The ledger list reads projects by the ids of the units visible() gave; it
    # must be the very same set as visible() on projects.
    from zhaoshang.ledger.models import Project
    from zhaoshang.ledger.views import _visible_units, visible_projects
    from zhaoshang.org.scope import visible

    user = superuser if who == "root" else personas.users[who]
    ours = set(visible_projects(user, _visible_units(user)).values_list("code", flat=True))
    assert ours == set(visible(Project.objects.all(), user).values_list("code", flat=True))
