"""Lost updates on the campaign, dispatch and event records: milestones, decomposition
cells, reports (报送), invitations (邀约) and promotion projects (推介项目).

Each: two people open the same form, the first saves, the second's save is
refused with a Chinese message naming who changed the record, when, what
they changed (before → after) and what the refused form said; nothing of the
refused save is written, no history row is added; opened again, it saves.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.campaigns.models import Milestone, Target
from zhaoshang.dispatch.models import Submission
from zhaoshang.dispatch.services import do_create_round
from zhaoshang.events.models import Invitation, PromotionProject
from zhaoshang.events.services import PromotionData, do_save_promotion

from ..events.conftest import build_event_world
from .test_stale_edits import STALE, payload

HTMX = {"HTTP_HX_REQUEST": "true"}


class _Seen:
    """A response as ``payload`` reads it, with the form kept under another name."""

    def __init__(self, response, key):
        self.context = {"form": response.context[key]}


def form_body(response, key="form", **changes) -> dict:
    return payload(_Seen(response, key), **changes)


def refused(client, url, data, model, pk, **extra):
    """Post a stale form: refused, with who/when/before/after, and no history row written."""
    before = model.history.filter(id=pk).count()
    response = client.post(url, data, **extra)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        response = client.get(response["Location"])
    text = response.content.decode()
    assert STALE in text
    assert model.history.filter(id=pk).count() == before
    return text


def test_milestone(client_for, personas):
    campaign = personas.campaign
    milestone = Milestone.objects.get(campaign=campaign, on=date(2026, 11, 15))
    url = reverse("campaigns:milestone_edit", args=[campaign.code, milestone.pk])
    a, b = client_for("admin"), client_for("admin")
    first = form_body(a.get(url, **HTMX), "edit_form", **{"pct": "55", "reason": "州里调整"})
    second = form_body(b.get(url, **HTMX), "edit_form", **{"pct": "60", "reason": "另一人"})
    # The form's fields carry the "edit" prefix.
    first = {f"edit-{k}": v for k, v in first.items()}
    second = {f"edit-{k}": v for k, v in second.items()}
    assert "州里调整" not in str(second)
    assert a.post(url, first, **HTMX).status_code == 200
    text = refused(b, url, second, Milestone, milestone.pk, **HTMX)
    # 州招商办管理员 moved 50 → 55; this user had typed 60.
    assert "州招商办管理员于" in text
    assert "由「50」改为「55」" in text
    assert "您填写的是「60」" in text
    milestone.refresh_from_db()
    assert milestone.pct == Decimal("55")
    again = {f"edit-{k}": v for k, v in form_body(b.get(url, **HTMX), "edit_form").items()}
    again.update({"edit-pct": "60", "edit-reason": "再次"})
    assert STALE not in b.post(url, again, **HTMX).content.decode()
    milestone.refresh_from_db()
    assert milestone.pct == Decimal("60")


def test_decomposition_cell(client_for, personas):
    campaign = personas.campaign
    liping = personas.unit("522631")
    target = Target.objects.get(campaign=campaign, unit=liping, indicator="contract_amount")
    old = target.value
    editor = reverse("campaigns:decomposition", args=[campaign.code])
    query = {"edit": liping.code, "indicator": "contract_amount"}
    url = reverse("campaigns:target_save", args=[campaign.code, liping.code, "contract_amount"])
    a, b = client_for("admin"), client_for("admin")
    first = form_body(a.get(editor, query, **HTMX), value=str(old + 1000), reason="州里调整")
    second = form_body(b.get(editor, query, **HTMX), value=str(old + 5), reason="另一人")
    assert a.post(url, first, **HTMX).status_code == 200
    text = refused(b, url, second, Target, target.pk, **HTMX)
    assert "州招商办管理员于" in text
    assert f"「{old + 1000:,}」" in text or f"「{(old + 1000).normalize():,f}」" in text
    target.refresh_from_db()
    assert target.value == old + 1000
    # Opened again, it saves.
    again = form_body(b.get(editor, query, **HTMX), value=str(old + 5), reason="再次")
    b.post(url, again, **HTMX)
    target.refresh_from_db()
    assert target.value == old + 5


def test_decomposition_cell_created_meanwhile(client_for, personas):
    """A cell opened empty: somebody setting it meanwhile is a change too."""
    from zhaoshang.campaigns.services import do_save_target

    campaign = personas.campaign
    liping = personas.unit("522631")
    indicator = "top500_enterprises"
    assert not Target.objects.filter(campaign=campaign, unit=liping, indicator=indicator).exists()
    editor = reverse("campaigns:decomposition", args=[campaign.code])
    url = reverse("campaigns:target_save", args=[campaign.code, liping.code, indicator])
    b = client_for("admin")
    stale = form_body(
        b.get(editor, {"edit": liping.code, "indicator": indicator}, **HTMX), value="3"
    )
    assert stale["stamp"] == "new"
    do_save_target(campaign, liping, indicator, Decimal("2"), actor=personas.user("admin"))
    assert STALE in b.post(url, stale, **HTMX).content.decode()
    assert Target.objects.get(campaign=campaign, unit=liping, indicator=indicator).value == 2


@pytest.fixture
def reporting_round(personas):
    return do_create_round(personas.campaign, date(2026, 11, 28))[0]


def test_report_submission(client_for, personas, reporting_round):
    campaign = personas.campaign
    url = reverse("dispatch:submit", args=[campaign.code, reporting_round.pk, "522601"])
    office, county = client_for("admin"), client_for("r522601")
    first = payload(office.get(url), progress="州里代报：签约两个项目")
    second = payload(county.get(url), progress="县里填报：对接三家企业")
    assert office.post(url, first).status_code == 302
    submission = Submission.objects.get(round=reporting_round, unit__code="522601")
    text = refused(county, url, second, Submission, submission.pk)
    assert "州招商办管理员于" in text
    assert "「州里代报：签约两个项目」" in text
    assert "您填写的是「县里填报：对接三家企业」" in text
    submission.refresh_from_db()
    assert submission.progress == "州里代报：签约两个项目"
    again = payload(county.get(url), progress="县里填报：对接三家企业")
    assert county.post(url, again).status_code == 302
    submission.refresh_from_db()
    assert submission.progress == "县里填报：对接三家企业"


@pytest.fixture
def event_world(personas):
    return build_event_world(personas)


def test_invitation_guest(client_for, personas, event_world):
    invitation = Invitation.objects.get(enterprise__name="广州云上文旅投资有限公司")
    url = reverse("events:invitation", args=[event_world.event.code, invitation.pk])
    office, county = client_for("admin"), client_for("r522601")
    first = payload(office.get(url), hotel="凯宾斯基酒店")
    second = payload(county.get(url), hotel="希尔顿酒店")
    assert office.post(url, first).status_code == 302
    text = refused(county, url, second, Invitation, invitation.pk)
    assert "由「贵阳喜来登酒店」改为「凯宾斯基酒店」" in text
    assert "您填写的是「希尔顿酒店」" in text
    invitation.refresh_from_db()
    assert invitation.hotel == "凯宾斯基酒店"
    again = payload(county.get(url), hotel="希尔顿酒店")
    assert county.post(url, again).status_code == 302
    invitation.refresh_from_db()
    assert invitation.hotel == "希尔顿酒店"


def test_invitation_status(client_for, personas, event_world):
    from zhaoshang.stamps import stamp

    invitation = Invitation.objects.get(enterprise__name="重庆山城物流有限公司")
    url = reverse("events:invitation_status", args=[event_world.event.code, invitation.pk])
    page = reverse("events:invitation", args=[event_world.event.code, invitation.pk])
    office, county = client_for("admin"), client_for("r522601")
    seen = stamp(invitation)
    assert f'name="stamp" value="{seen}"' in county.get(page).content.decode()
    assert office.post(url, {"status": "已邀", "stamp": seen, "next": page}).status_code == 302
    before = Invitation.history.filter(id=invitation.pk).count()
    text = county.post(url, {"status": "婉拒", "reason": "会期冲突", "stamp": seen, "next": page})
    assert STALE in county.get(text["Location"]).content.decode()
    assert Invitation.history.filter(id=invitation.pk).count() == before
    invitation.refresh_from_db()
    assert invitation.status == "已邀"


def test_promotion(client_for, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    kaili = personas.unit("522601")
    promotion, _c, _ch = do_save_promotion(
        "TJ-KL-09",
        PromotionData(title="凯里市文旅康养项目", unit=kaili, description="温泉康养综合体"),
        actor=personas.user("r522601"),
    )
    url = reverse("events:promotion", args=[promotion.code])
    office, county = client_for("admin"), client_for("r522601")
    first = payload(office.get(url), location="凯里市三棵树镇")
    second = payload(county.get(url), location="凯里市舟溪镇")
    assert office.post(url, first).status_code == 302
    text = refused(county, url, second, PromotionProject, promotion.pk)
    assert "由「—」改为「凯里市三棵树镇」" in text
    assert "您填写的是「凯里市舟溪镇」" in text
    promotion.refresh_from_db()
    assert promotion.location == "凯里市三棵树镇"
    again = payload(county.get(url), location="凯里市舟溪镇")
    assert county.post(url, again).status_code == 302
    promotion.refresh_from_db()
    assert promotion.location == "凯里市舟溪镇"


def test_task_update_refuses_a_stale_stamp(personas):
    """Tasks have no edit form; the service refuses a stale stamp for every caller."""
    from zhaoshang.stamps import StaleEdit, stamp
    from zhaoshang.supervision.models import Task
    from zhaoshang.supervision.services import create_task, do_update_task

    admin = personas.user("admin")
    task = create_task(
        "新能源电池材料项目二期用地报批",
        personas.unit("522601"),
        date(2026, 12, 10),
        actor=admin,
        assigned_on=date(2026, 11, 27),
    )
    seen = stamp(task)
    do_update_task(task, actor=admin, person="王明", expected_stamp=seen)
    before = Task.history.filter(id=task.pk).count()
    with pytest.raises(StaleEdit) as refused:
        do_update_task(task, actor=admin, person="李华", expected_stamp=seen)
    assert "由「—」改为「王明」" in refused.value.messages[0]
    assert "您填写的是「李华」" in refused.value.messages[0]
    task.refresh_from_db()
    assert task.person == "王明"
    assert Task.history.filter(id=task.pk).count() == before
