"""The API over milestones, targets, tasks, notices, assessments, promotion projects and
the forecast: in scope, the web lists' filters, and writes with If-Match."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from zhaoshang.campaigns.models import Milestone, Target
from zhaoshang.events.services import PromotionData, do_save_promotion
from zhaoshang.supervision.services import create_task


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


@pytest.fixture
def tasks(personas):
    admin = personas.user("admin")
    kaili = create_task(
        "新能源电池材料项目二期用地报批",
        personas.unit("522601"),
        date(2026, 12, 10),
        actor=admin,
        campaign=personas.campaign,
        person="王明",
        leader_watching=True,
        assigned_on=date(2026, 11, 27),
    )
    liping = create_task(
        "林产品加工项目环评批复",
        personas.unit("522631"),
        date(2026, 12, 20),
        actor=admin,
        campaign=personas.campaign,
        assigned_on=date(2026, 11, 27),
    )
    return kaili, liping


def test_tasks_in_scope_with_the_list_filters(api_for, personas, tasks):
    kaili, liping = tasks
    admin = api_for("admin")
    assert [t["code"] for t in results(admin.get("/api/v1/tasks/"))] == [kaili.code, liping.code]
    assert [t["code"] for t in results(admin.get("/api/v1/tasks/?watching=true"))] == [kaili.code]
    assert [t["code"] for t in results(admin.get("/api/v1/tasks/?unit=522631"))] == [liping.code]
    assert [t["code"] for t in results(admin.get("/api/v1/tasks/?q=环评"))] == [liping.code]
    assert results(admin.get("/api/v1/tasks/?status=done")) == []
    county = api_for("r522601")
    (row,) = results(county.get("/api/v1/tasks/"))
    assert (row["code"], row["lead_unit"], row["state"]) == (kaili.code, "522601", "assigned")
    assert row["status"] in ("open", "due_soon", "overdue")
    assert county.get(f"/api/v1/tasks/{liping.code}/").status_code == 404
    assert county.get("/api/v1/tasks/?unit=522631").status_code == 404
    one = county.get(f"/api/v1/tasks/{kaili.code}/")
    assert one.status_code == 200 and one["ETag"]
    assert admin.get("/api/v1/tasks/?status=nonsense").status_code == 400


def test_task_list_queries_do_not_grow_with_rows(
    api_for, personas, tasks, django_assert_max_num_queries
):
    client = api_for("admin")
    # Token (2: lookup, last use), campaign thresholds, tasks, assisting units; count.
    with django_assert_max_num_queries(8):
        assert len(results(client.get("/api/v1/tasks/"))) == 2


def test_milestone_update_needs_if_match_and_the_campaign_admin(api_for, personas):
    milestone = Milestone.objects.get(campaign=personas.campaign, on=date(2026, 11, 15))
    url = f"/api/v1/milestones/{milestone.pk}/"
    admin = api_for("admin")
    seen = admin.get(url)
    assert seen.json()["pct"] == "50.00"
    assert admin.patch(url, {"pct": "55"}, format="json").status_code == 428
    assert (
        api_for("r522601")
        .patch(url, {"pct": "55"}, format="json", HTTP_IF_MATCH=seen["ETag"])
        .status_code
        == 403
    )
    changed = admin.patch(
        url, {"pct": "55", "reason": "调度会调整"}, format="json", HTTP_IF_MATCH=seen["ETag"]
    )
    assert changed.status_code == 200 and changed.json()["pct"] == "55.00"
    # The ETag the first client saw is stale now: 412, nothing written.
    before = Milestone.history.filter(id=milestone.pk).count()
    stale = admin.patch(url, {"pct": "60"}, format="json", HTTP_IF_MATCH=seen["ETag"])
    assert stale.status_code == 412
    milestone.refresh_from_db()
    assert milestone.pct == Decimal("55")
    assert Milestone.history.filter(id=milestone.pk).count() == before
    last = Milestone.history.filter(id=milestone.pk).first()
    assert (last.history_user.username, last.history_change_reason) == ("admin", "调度会调整")
    assert admin.patch(url, {"campaign": "X"}, format="json", HTTP_IF_MATCH="*").status_code == 400


def test_target_update_through_the_decomposition_rules(api_for, personas):
    liping = personas.unit("522631")
    target = Target.objects.get(
        campaign=personas.campaign, unit=liping, indicator="contract_amount"
    )
    url = f"/api/v1/targets/{target.pk}/"
    admin = api_for("admin")
    etag = admin.get(url)["ETag"]
    new = target.value + 1000
    # A re-allocation needs its reason, as on the page.
    assert (
        admin.patch(url, {"value": str(new)}, format="json", HTTP_IF_MATCH=etag).status_code == 400
    )
    ok = admin.patch(
        url, {"value": str(new), "reason": "州政府调整"}, format="json", HTTP_IF_MATCH=etag
    )
    assert ok.status_code == 200
    target.refresh_from_db()
    assert target.value == new
    assert (
        admin.patch(
            url, {"value": "1", "reason": "x"}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        == 412
    )
    # A county reporter neither sees another county's target nor sets its own.
    assert api_for("r522601").patch(url, {"value": "1"}, format="json").status_code == 404
    own = Target.objects.filter(unit__code="522601").first()
    reporter = api_for("r522601")
    own_etag = reporter.get(f"/api/v1/targets/{own.pk}/")["ETag"]
    refused = reporter.patch(
        f"/api/v1/targets/{own.pk}/",
        {"value": "1", "reason": "x"},
        format="json",
        HTTP_IF_MATCH=own_etag,
    )
    assert refused.status_code == 403


def test_promotions_in_scope(api_for, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for code, unit in (("TJ-KL-01", "522601"), ("TJ-LP-01", "522631")):
        do_save_promotion(
            code,
            PromotionData(title=f"{code} 项目", unit=personas.unit(unit), description="简介"),
        )
    assert [p["code"] for p in results(api_for("admin").get("/api/v1/promotions/"))] == [
        "TJ-KL-01",
        "TJ-LP-01",
    ]
    county = api_for("r522601")
    assert [p["code"] for p in results(county.get("/api/v1/promotions/"))] == ["TJ-KL-01"]
    assert county.get("/api/v1/promotions/TJ-LP-01/").status_code == 404
    assert results(county.get("/api/v1/promotions/?unit=522631")) == []


def test_forecast_follows_unit_scope(api_for, personas):
    admin = api_for("admin")
    body = admin.get("/api/v1/forecast/?campaign=MQDH2026&as_of=2026-11-27").json()
    assert body["as_of"] == "2026-11-27"
    assert body["unit"]["code"] == "522600"
    county = api_for("r522601")
    own = county.get("/api/v1/forecast/?campaign=MQDH2026&as_of=2026-11-27").json()
    assert own["unit"]["code"] == "522601"
    assert county.get("/api/v1/forecast/?campaign=MQDH2026&unit=522631").status_code == 404
    assert county.get("/api/v1/forecast/?campaign=MQDH2026&unit=522600").status_code == 404


def test_published_assessment_as_issued_without_the_project_basis(api_for, personas):
    """Finding 2's rule: the ranking goes to every unit; the projects behind it do not."""
    from zhaoshang.assessment.services import do_publish_assessment, do_save_scheme_indicator

    c = personas.campaign
    do_save_scheme_indicator(c, "contract_amount", Decimal(60), "capped")
    do_save_scheme_indicator(c, "contract_projects", Decimal(40), "efficacy")
    published = do_publish_assessment(c, date(2026, 11, 27), actor=personas.user("admin"))
    assert any("records" in u for u in published.document["units"])
    (row,) = results(api_for("r522601").get("/api/v1/assessments/"))
    assert row["number"] == 1
    ranked = {u["code"]: u for u in row["units"]}
    # 凯里市 41000/50000 = 0.82 × 60 = 49.20, plus 40 for the best project count.
    assert ranked["522601"]["total"] == "89.20"
    assert "522631" in ranked
    assert all("records" not in u for u in row["units"])
    assert "LP-" not in str(row)


def test_notices_and_assessments_list(api_for, personas):
    client = api_for("r522601")
    for name in ("notices", "assessments", "milestones", "tasks", "promotions"):
        assert "results" in client.get(f"/api/v1/{name}/").json(), name


def test_list_filters_on_units_events_rounds_and_invitations(api_for, personas):
    from zhaoshang.dispatch.services import do_create_round

    from ..events.conftest import EVENT, build_event_world

    build_event_world(personas)
    do_create_round(personas.campaign, date(2026, 11, 28))
    admin = api_for("admin")
    children = [u["code"] for u in results(admin.get("/api/v1/units/?parent=522600"))]
    assert "522601" in children and "522631" in children and "522600" not in children
    assert [e["code"] for e in results(admin.get("/api/v1/events/?campaign=MQDH2026"))] == [EVENT]
    assert results(admin.get("/api/v1/events/?campaign=NONE")) == []
    assert len(results(admin.get("/api/v1/rounds/?campaign=MQDH2026"))) == 1
    declined = results(admin.get(f"/api/v1/invitations/?event={EVENT}&status=婉拒"))
    assert {i["inviting_unit"] for i in declined} == {"522631"}
    county = api_for("r522601")
    assert results(county.get(f"/api/v1/invitations/?event={EVENT}&unit=522631")) == []
    signed = {r["project"] for r in results(county.get(f"/api/v1/signings/?event={EVENT}"))}
    assert signed and all(code.startswith("KL-") for code in signed)


@pytest.mark.parametrize("name", ["milestones", "promotions", "notices", "assessments"])
def test_new_lists_take_a_fixed_number_of_queries(
    api_for, personas, name, django_assert_max_num_queries
):
    for code in ("TJ-KL-01", "TJ-KL-02", "TJ-KL-03"):
        do_save_promotion(
            code, PromotionData(title=code, unit=personas.unit("522601"), description="简介")
        )
    client = api_for("r522601")
    # Token lookup and last use (2), scope memberships, count, page, related rows:
    # the same whether the page holds two rows (milestones) or three (promotions).
    with django_assert_max_num_queries(8):
        assert client.get(f"/api/v1/{name}/").status_code == 200
