"""The Django admin: every model registered, usable by the superuser, closed to everyone else."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from zhaoshang.org.models import Unit

OUR_APPS = ("org", "ledger", "campaigns", "notify", "assessment")


def test_every_model_of_our_apps_is_registered():
    missing = [
        m.__name__
        for app in OUR_APPS
        for m in apps.get_app_config(app).get_models()
        if not m.__name__.startswith("Historical") and m not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.parametrize(
    "model",
    [
        m
        for app in OUR_APPS
        for m in apps.get_app_config(app).get_models()
        if not m.__name__.startswith("Historical")
    ],
    ids=lambda m: m.__name__,
)
def test_superuser_opens_every_changelist(client_for, model):
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert client_for("root").get(url).status_code == 200


def test_project_change_page_shows_history_but_allows_no_edit(client_for, personas):
    project = personas.projects["KL-001"]
    client = client_for("root")
    assert client.get(reverse("admin:ledger_project_change", args=[project.pk])).status_code == 200
    assert client.get(reverse("admin:ledger_project_history", args=[project.pk])).status_code == 200
    assert client.get(reverse("admin:ledger_project_add")).status_code == 403


def test_unit_added_in_admin_goes_through_the_service(client_for, personas):
    kaili = personas.units["522601"]
    response = client_for("root").post(
        reverse("admin:org_unit_add"),
        {
            "code": "522601102",
            "name": "大十字街道",
            "kind": "乡镇",
            "parent": kaili.pk,
            "order": "2",
            "official_code": "on",
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="522601102")
    # The materialized path is what every scope check relies on.
    assert unit.path == f"{kaili.path}{unit.pk}/" and unit.depth == 2
    assert unit.is_within(kaili)
    assert unit.history.first().history_user.username == "root"


@pytest.mark.parametrize("who", ["admin", "leader", "r522601", "outsider"])
def test_admin_is_closed_to_non_staff(client_for, who):
    response = client_for(who).get(reverse("admin:ledger_project_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
