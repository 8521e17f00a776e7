"""Lost updates: every edit form carries the stamp of the record it was opened on.

Two people open the same form; the first saves; the second's save is refused
with a clear Chinese message and nothing the first saved is overwritten (and
no history row is written for the refused save).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from zhaoshang.campaigns.models import Campaign
from zhaoshang.ledger.models import Enterprise, FundsEntry
from zhaoshang.org.models import Person, Unit

STALE = "已被他人修改，您的修改没有保存"


def payload(response, **changes) -> dict:
    """The POST body the form on ``response`` would send, with ``changes`` applied."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name in changes:
            value = changes[name]
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, date):
            data[name] = value.isoformat()
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def _refused(client, url, data, model, pk):
    before = model.history.filter(id=pk).count()
    response = client.post(url, data)
    assert response.status_code in (200, 400)
    assert STALE in response.content.decode()
    assert model.history.filter(id=pk).count() == before
    return response


def test_enterprise_edit(client_for, personas):
    enterprise = personas.enterprises["黔东南苗岭农业发展有限公司"]
    url = reverse("ledger:enterprise_edit", args=[enterprise.pk])
    admin, reporter = client_for("admin"), client_for("r522631")
    first = payload(admin.get(url), origin="四川省", reason="州里核实")
    second = payload(reporter.get(url), note="县里补充的备注", reason="补充")
    assert admin.post(url, first).status_code == 302
    _refused(reporter, url, second, Enterprise, enterprise.pk)
    enterprise.refresh_from_db()
    assert (enterprise.origin, enterprise.note) == ("四川省", "")
    # Opened again, the form saves.
    again = payload(reporter.get(url), note="县里补充的备注", reason="补充")
    assert reporter.post(url, again).status_code == 302
    enterprise.refresh_from_db()
    assert (enterprise.origin, enterprise.note) == ("四川省", "县里补充的备注")


def test_enterprise_tag_change_counts_too(client_for, personas):
    enterprise = personas.enterprises["黔东南苗岭农业发展有限公司"]
    url = reverse("ledger:enterprise_edit", args=[enterprise.pk])
    admin, reporter = client_for("admin"), client_for("r522631")
    first = payload(admin.get(url), tags="中国民营企业500强 2025", reason="上榜")
    second = payload(reporter.get(url), note="备注", reason="补充")
    assert admin.post(url, first).status_code == 302
    _refused(reporter, url, second, Enterprise, enterprise.pk)
    assert enterprise.tags.count() == 1


def test_funds_correction(client_for, personas):
    project = personas.projects["KL-001"]
    entry = FundsEntry.objects.get(project=project, on=date(2026, 11, 20))
    url = reverse("ledger:funds_correct", args=[project.code, entry.pk])
    admin, reporter = client_for("admin"), client_for("r522601")
    first = payload(admin.get(url), amount="6000", reason="按银行回单更正")
    second = payload(reporter.get(url), amount="5500", reason="按县里台账")
    assert admin.post(url, first).status_code == 302
    _refused(reporter, url, second, FundsEntry, entry.pk)
    entry.refresh_from_db()
    assert entry.amount == Decimal("6000")


def test_funds_correction_of_a_removed_entry(client_for, personas):
    from zhaoshang.ledger.services import do_delete_funds

    project = personas.projects["KL-001"]
    entry = FundsEntry.objects.get(project=project, on=date(2026, 11, 20))
    url = reverse("ledger:funds_correct", args=[project.code, entry.pk])
    reporter = client_for("r522601")
    stale = payload(reporter.get(url), amount="5500", reason="更正")
    do_delete_funds(entry, actor=personas.users["admin"], reason="重复录入")
    response = reporter.post(url, stale)
    assert response.status_code == 404
    assert not FundsEntry.objects.filter(project=project).exists()


def test_unit_edit(client_for, personas):
    unit = personas.units["522631"]
    url = reverse("org:unit_edit", args=[unit.code])
    first_client, second_client = client_for("admin"), client_for("admin")
    first = payload(first_client.get(url), name="黎平县人民政府", reason="全称")
    second = payload(second_client.get(url), order="12", reason="排序")
    assert first_client.post(url, first).status_code == 302
    _refused(second_client, url, second, Unit, unit.pk)
    unit.refresh_from_db()
    assert (unit.name, unit.order) == ("黎平县人民政府", 11)


def test_person_edit(client_for, personas):
    person = Person.objects.get(name="王明")
    url = reverse("org:person_edit", args=[person.pk])
    a, b = client_for("admin"), client_for("admin")
    first = payload(a.get(url), phone="0855-8000009", reason="换号")
    second = payload(b.get(url), title="市投资促进局副局长", reason="职务")
    assert a.post(url, first).status_code == 302
    _refused(b, url, second, Person, person.pk)
    person.refresh_from_db()
    assert (person.phone, person.title) == ("0855-8000009", "市投资促进局局长")


def test_campaign_settings(client_for, personas):
    campaign = personas.campaign
    url = reverse("campaigns:settings", args=[campaign.code])
    a, b = client_for("admin"), client_for("admin")
    first = payload(a.get(url), name="百日攻坚行动", reason="改名")
    second = payload(b.get(url), red_gap_pp="-15", reason="阈值")
    assert a.post(url, first).status_code == 302
    _refused(b, url, second, Campaign, campaign.pk)
    campaign.refresh_from_db()
    assert campaign.name == "百日攻坚行动"
    assert campaign.red_gap_pp != Decimal("-15")


@pytest.mark.parametrize("service", ["target", "unit", "person", "enterprise", "campaign"])
def test_services_refuse_a_stale_stamp(personas, service):
    """The API and every other caller get the same refusal from the services."""
    from zhaoshang.campaigns.services import do_save_campaign, do_save_target
    from zhaoshang.ledger.services import do_edit_enterprise
    from zhaoshang.org.services import do_save_unit, do_update_person
    from zhaoshang.stamps import StaleEdit

    admin = personas.users["admin"]
    campaign = personas.campaign
    with pytest.raises(StaleEdit):
        if service == "target":
            target = campaign.targets.first()
            do_save_target(
                campaign,
                target.unit,
                target.indicator,
                target.value + 1,
                actor=admin,
                expected_stamp="0" * 20,
            )
        elif service == "unit":
            u = personas.units["522631"]
            do_save_unit(
                u.code, name="x", kind=u.kind, parent=u.parent, actor=admin, expected_stamp="x"
            )
        elif service == "person":
            do_update_person(
                Person.objects.get(name="王明"), name="王明", actor=admin, expected_stamp="x"
            )
        elif service == "enterprise":
            e = personas.enterprises["广州云上文旅投资有限公司"]
            do_edit_enterprise(
                e,
                name=e.name,
                uscc=None,
                ownership=e.ownership,
                origin="x",
                tags=[],
                note="",
                actor=admin,
                expected_stamp="x",
            )
        else:
            do_save_campaign(
                campaign.code,
                name="x",
                start=campaign.start,
                end=campaign.end,
                mode=campaign.mode,
                primary_indicator=campaign.primary_indicator,
                actor=admin,
                expected_stamp="x",
            )
