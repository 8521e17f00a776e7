"""The REST API as a program sees it (contracts/cli.md, API section)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from rest_framework.test import APIClient

from zhaoshang.api.models import ApiToken
from zhaoshang.api.tokens import do_create_token, do_revoke_token, hash_key
from zhaoshang.ledger.models import Enterprise, FundsEntry, Project


def codes(response) -> list[str]:
    return [r["code"] for r in response.json()["results"]]


def test_project_list_is_the_token_owners_scope(api_for, personas):
    kaili = api_for("r522601").get("/api/v1/projects/")
    assert kaili.status_code == 200
    body = kaili.json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert codes(kaili) == ["KL-001", "KL-002", "KL-003"]
    assert body["count"] == 3
    assert body["results"][0]["name"] == "新能源电池材料生产线项目"
    everything = api_for("admin").get("/api/v1/projects/?page_size=100")
    assert everything.json()["count"] == Project.objects.count() == 8


def test_other_units_project_is_404(api_for, personas):
    client = api_for("r522601")
    assert client.get("/api/v1/projects/KL-001/").status_code == 200
    assert client.get("/api/v1/projects/LP-001/").status_code == 404
    assert client.get("/api/v1/units/522631/").status_code == 404


def test_same_filters_as_the_web_list(api_for, personas):
    client = api_for("admin")
    assert codes(client.get("/api/v1/projects/?unit=522631")) == ["LP-001", "LP-002", "LP-003"]
    assert codes(client.get("/api/v1/projects/?stage=4&unit=522601")) == ["KL-001"]
    assert codes(client.get("/api/v1/projects/?q=林产品")) == ["LP-001"]
    # A county's reporter cannot filter by (and so probe) another county's unit.
    probe = api_for("r522601").get("/api/v1/projects/?unit=522631")
    assert probe.status_code == 400


def test_bad_expired_revoked_token_is_401(api_for, personas, caplog):
    anonymous = APIClient()
    assert anonymous.get("/api/v1/projects/").status_code == 401
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer zs_not-a-token")
    with caplog.at_level("INFO", logger="zhaoshang.security"):
        assert bad.get("/api/v1/projects/").status_code == 401
    (record,) = [r for r in caplog.records if r.name == "zhaoshang.security"]
    line = json.loads(record.getMessage())
    assert (line["kind"], line["reason"], line["prefix"]) == (
        "token_failure",
        "unknown",
        "zs_not-a-t",
    )
    assert "zs_not-a-token" not in caplog.text

    user = personas.users["r522601"]
    token, key = do_create_token(user, read_only=True, expires_on=timezone.localdate())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/projects/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_on=date.today() - timedelta(days=1))
    assert client.get("/api/v1/projects/").status_code == 401

    token, key = do_create_token(user, read_only=True)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/projects/").status_code == 200
    assert do_revoke_token(token, actor=user)
    assert client.get("/api/v1/projects/").status_code == 401


def test_token_stored_hashed_with_last_use(api_for, personas):
    client = api_for("r522601")
    token = ApiToken.objects.get(key_hash=hash_key(client.key))
    assert client.key not in {token.key_hash, token.prefix, token.name}
    assert token.last_used_at is None
    client.get("/api/v1/projects/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_read_only_token_cannot_write(api_for, personas):
    client = api_for("r522601", read_only=True)
    etag = client.get("/api/v1/projects/KL-001/")["ETag"]
    response = client.patch(
        "/api/v1/projects/KL-001/", {"note": "x"}, format="json", HTTP_IF_MATCH=etag
    )
    assert response.status_code == 403
    assert Project.objects.get(code="KL-001").note == ""


def test_update_needs_the_current_etag(api_for, personas):
    client = api_for("r522601")
    first = client.get("/api/v1/projects/KL-001/")
    etag = first["ETag"]
    assert etag == '"v1"'
    missing = client.patch("/api/v1/projects/KL-001/", {"note": "a"}, format="json")
    assert missing.status_code == 428
    ok = client.patch(
        "/api/v1/projects/KL-001/",
        {"note": "企业已进场", "contract_amount": "31000.00"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert ok.status_code == 200, ok.content
    assert ok["ETag"] == '"v2"'
    assert ok.json()["contract_amount"] == "31000.00"
    stale = client.patch(
        "/api/v1/projects/KL-001/", {"note": "旧的"}, format="json", HTTP_IF_MATCH=etag
    )
    assert stale.status_code == 412
    project = Project.objects.get(code="KL-001")
    assert (project.note, project.contract_amount) == ("企业已进场", Decimal("31000"))
    # The change is in the history with who and why.
    latest = project.history.order_by("-history_id").first()
    assert latest.history_user == personas.users["r522601"]


def test_only_allow_listed_fields_are_writable(api_for, personas):
    client = api_for("r522601")
    etag = client.get("/api/v1/projects/KL-001/")["ETag"]
    response = client.patch(
        "/api/v1/projects/KL-001/",
        {"responsible_unit": "522631", "version": 99},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 400
    assert set(response.json()) == {"responsible_unit", "version"}
    assert Project.objects.get(code="KL-001").responsible_unit.code == "522601"


def test_enterprise_and_funds_updates_use_their_stamp(api_for, personas):
    client = api_for("admin")
    enterprise = personas.enterprises["黔东南苗岭农业发展有限公司"]
    url = f"/api/v1/enterprises/{enterprise.pk}/"
    etag = client.get(url)["ETag"]
    assert (
        client.patch(url, {"origin": "四川省"}, format="json", HTTP_IF_MATCH=etag).status_code
        == 200
    )
    stale = client.patch(url, {"note": "x"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 412
    assert Enterprise.objects.get(pk=enterprise.pk).note == ""

    entry = FundsEntry.objects.get(project__code="KL-001")
    url = f"/api/v1/funds/{entry.pk}/"
    etag = client.get(url)["ETag"]
    assert (
        client.patch(url, {"amount": "6000"}, format="json", HTTP_IF_MATCH=etag).status_code == 200
    )
    assert (
        client.patch(url, {"amount": "7000"}, format="json", HTTP_IF_MATCH=etag).status_code == 412
    )
    assert FundsEntry.objects.get(pk=entry.pk).amount == Decimal("6000")


def test_funds_and_follow_ups_are_created_in_scope(api_for, personas):
    client = api_for("r522601")
    made = client.post(
        "/api/v1/funds/",
        {"project": "KL-002", "on": "2026-11-26", "amount": "800"},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["amount"] == "800.00"
    other = client.post(
        "/api/v1/funds/", {"project": "LP-001", "on": "2026-11-26", "amount": "1"}, format="json"
    )
    assert other.status_code == 400
    assert not FundsEntry.objects.filter(project__code="LP-001").exists()
    follow = client.post(
        "/api/v1/follow-ups/",
        {
            "on": "2026-11-27",
            "unit": "522601",
            "kind": "洽谈",
            "project": "KL-001",
            "content": "谈二期",
        },
        format="json",
    )
    assert follow.status_code == 201, follow.content
    assert follow.json()["project"] == "KL-001"


def test_every_list_answers_in_scope(api_for, personas):
    client = api_for("r522601")
    for name in (
        "units",
        "people",
        "enterprises",
        "projects",
        "stage-events",
        "funds",
        "follow-ups",
        "campaigns",
        "targets",
        "rounds",
        "submissions",
        "bulletins",
        "events",
        "invitations",
        "signings",
        "tokens",
    ):
        response = client.get(f"/api/v1/{name}/")
        assert response.status_code == 200, (name, response.content[:300])
        assert "results" in response.json()
    units = [u["code"] for u in client.get("/api/v1/units/").json()["results"]]
    assert "522631" not in units and "522601" in units
    names = {e["name"] for e in client.get("/api/v1/enterprises/").json()["results"]}
    assert "黔东南苗岭农业发展有限公司" not in names


def test_progress_is_the_cli_document(api_for, personas):
    response = api_for("admin").get(
        "/api/v1/progress/?campaign=MQDH2026&as_of=2026-11-27&unit=522600"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["as_of"] == "2026-11-27"
    assert body["unit"]["code"] == "522600"
    assert (
        api_for("r522601").get("/api/v1/progress/?campaign=MQDH2026&unit=522631").status_code == 404
    )


def test_schema_and_docs(client_for, personas):
    schema = APIClient().get("/api/v1/schema/?format=json")
    assert schema.status_code in (200, 401)
    admin = client_for("admin")
    schema = admin.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    body = schema.json()
    assert body["openapi"].startswith("3.")
    assert "/api/v1/projects/{code}/" in body["paths"]
    docs = admin.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()


def test_token_create_command(personas, capsys):
    from zhaoshang.cli import main

    assert main(["token", "create", "r522601", "--read-only", "--expires", "2099-12-31"]) == 0
    key = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get(key_hash=hash_key(key))
    assert token.read_only and token.expires_on == date(2099, 12, 31)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert codes(client.get("/api/v1/projects/")) == ["KL-001", "KL-002", "KL-003"]
    assert main(["token", "create", "nobody"]) == 2
