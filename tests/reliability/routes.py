"""The permission matrix's declaration: for every URL route, what each persona gets.

Each entry names a route and gives two expectation strings, one for GET and
one for POST (an empty form), with one status per persona in this order:

    anon    not signed in (own unit's object)
    admin   prefecture administrator (黎平县's object)
    leader  prefecture leader, reads only (黎平县's object)
    own     凯里市 reporter, 凯里市's object
    other   凯里市 reporter, 黎平县's object

``L`` means "redirected to the login page", ``x`` "any status below 500 except
200" (a form that refuses an empty body: 302/400/403/404/405/409/422), ``-``
"not tried". A refused POST must leave every table unchanged.

Adding a route? Add its line here (and, when its URL takes arguments, how to
fill them in ``args``): a route missing from this file fails the suite.
"""

from __future__ import annotations

# name: (GET, POST)
EXPECT: dict[str, tuple[str, str]] = {
    "set_language": ("302 302 302 302 302", "302 - x - x"),
    "ledger:project_create": ("L 200 403 200 200", "L - 403 - 200"),
    "ledger:project_export": ("L 200 200 200 200", "L - 405 - 405"),
    "ledger:saved_filter_save": ("L 405 405 405 405", "L - x - x"),
    "ledger:saved_filter_delete": ("L 405 405 405 405", "L - 404 - 404"),
    "ledger:stage_change": ("L 200 403 200 404", "L - 403 - 404"),
    "ledger:project_drop": ("L 200 403 200 404", "L - 403 - 404"),
    "ledger:project_restore": ("L 200 403 200 404", "L - 403 - 404"),
    "ledger:funds_add": ("L 405 405 405 405", "L - 403 - 404"),
    "ledger:funds_correct": ("L 200 403 200 404", "L - 403 - 404"),
    "ledger:funds_delete": ("L 405 405 405 405", "L - 403 - 404"),
    "ledger:attachment_add": ("L 405 405 405 405", "L - 403 - 404"),
    "ledger:attachment_download": ("L 200 200 200 404", "L - 405 - 405"),
    "ledger:attachment_delete": ("L 405 405 405 405", "L - 403 - 404"),
    "ledger:stage_evidence": ("L 404 404 404 404", "L - 405 - 405"),
    "ledger:enterprise_list": ("L 200 200 200 200", "L - 200 - 200"),
    "ledger:enterprise_create": ("L 200 403 200 200", "L - 403 - 200"),
    "ledger:enterprise_check": ("L 200 200 200 200", "L - 405 - 405"),
    "ledger:enterprise_detail": ("L 200 200 200 404", "L - 200 - 404"),
    "ledger:enterprise_edit": ("L 200 403 200 404", "L - 403 - 404"),
    "ledger:follow_up_feed": ("L 200 200 200 200", "L - 200 - 200"),
    "ledger:follow_up_new": ("L 200 403 200 200", "L - 403 - 200"),
    "ledger:follow_up_photo": ("L 404 404 404 404", "L - 405 - 405"),
    "ledger:autocomplete_projects": ("L 404 404 404 404", "L - 405 - 405"),
    "ledger:autocomplete_enterprises": ("L 404 404 404 404", "L - 405 - 405"),
    "campaigns:list": ("L 200 200 200 200", "L - 405 - 405"),
    "campaigns:create": ("L 200 403 403 403", "L - 403 - 403"),
    "campaigns:copy": ("L 200 403 403 403", "L - 403 - 403"),
    "campaigns:settings": ("L 200 200 200 200", "L - 403 - 403"),
    "campaigns:milestone_add": ("L 405 405 405 405", "L - 403 - 403"),
    "campaigns:milestone_edit": ("L 404 404 404 404", "L - 404 - 404"),
    "campaigns:milestone_delete": ("L 405 405 405 405", "L - 404 - 404"),
    "campaigns:decomposition": ("L 200 200 200 200", "L - 405 - 405"),
    "campaigns:target_save": ("L 405 405 405 405", "L - 403 - 404"),
    "campaigns:target_history": ("L 200 200 200 404", "L - 405 - 405"),
    "org:index": ("L 302 403 403 403", "L - 405 - 405"),
    "org:unit": ("L 200 403 403 404", "L - 405 - 405"),
    "org:unit_edit": ("L 200 403 403 404", "L - 403 - 404"),
    "org:unit_new": ("L 200 403 403 404", "L - 403 - 404"),
    "org:unit_shift": ("L 405 405 405 405", "L - 403 - 404"),
    "org:people": ("L 200 403 403 404", "L - 403 - 404"),
    "org:team": ("L 200 403 403 404", "L - 403 - 404"),
    "org:accounts": ("L 200 403 403 404", "L - 403 - 404"),
    "org:unit_history": ("L 200 403 403 404", "L - 405 - 405"),
    "org:person_edit": ("L 200 403 403 404", "L - 403 - 404"),
    "org:person_delete": ("L 405 405 405 405", "L - 403 - 404"),
    "org:team_member_role": ("L 405 405 405 405", "L - 403 - 404"),
    "org:team_member_remove": ("L 405 405 405 405", "L - 403 - 404"),
    "org:account_edit": ("L 200 403 403 404", "L - 403 - 404"),
    "org:account_reset_password": ("L 405 405 405 405", "L - 403 - 404"),
    "org:account_set_active": ("L 405 405 405 405", "L - 403 - 404"),
    "org:account_unlock": ("L 405 405 405 405", "L - 403 - 404"),
    "org:account_totp_off": ("L 405 405 405 405", "L - 403 - 404"),
    "dispatch:index": ("L 200 200 200 200", "L - 405 - 405"),
    "dispatch:rounds": ("L 200 200 200 200", "L - 405 - 405"),
    "dispatch:round_create": ("L 405 405 405 405", "L - 403 - 403"),
    "dispatch:round_schedule": ("L 405 405 405 405", "L - 403 - 403"),
    "dispatch:round": ("L 200 200 200 200", "L - 405 - 405"),
    "dispatch:remind": ("L 405 405 405 405", "L - 403 - 403"),
    "dispatch:submit": ("L 200 403 200 404", "L - 403 - 404"),
    "dispatch:bulletins": ("L 200 200 200 200", "L - 405 - 405"),
    "dispatch:draft": ("L 200 200 403 403", "L - 405 - 405"),
    "dispatch:draft_projects": ("L 200 200 403 403", "L - 405 - 405"),
    "dispatch:draft_download": ("L 200 200 403 403", "L - 405 - 405"),
    # A leader reads: taking the bulletin's files is allowed and writes a job
    # (tests/jobs/test_bulletin_job.py), so only refusals are tried here.
    "dispatch:draft_files": ("L 405 405 405 405", "L - - - 403"),
    "dispatch:publish": ("L 405 405 405 405", "L - 403 - 403"),
    "dispatch:forecast_switch": ("L 405 405 405 405", "L - 403 - 403"),
    "dispatch:bulletin": ("L 200 200 200 200", "L - 405 - 405"),
    "dispatch:bulletin_projects": ("L 200 200 200 200", "L - 405 - 405"),
    "dispatch:bulletin_download": ("L 200 200 200 200", "L - 405 - 405"),
    "events:list": ("L 200 200 200 200", "L - 405 - 405"),
    "events:create": ("L 200 403 200 200", "L - 403 - 200"),
    "events:promotion_list": ("L 200 200 200 200", "L - 405 - 405"),
    "events:promotion_create": ("L 200 200 200 200", "L - 403 - 200"),
    "events:booklet": ("L 404 404 404 404", "L - 405 - 405"),
    "events:promotion": ("L 404 404 404 404", "L - 404 - 404"),
    "events:photo_add": ("L 405 405 405 405", "L - 404 - 404"),
    "events:photo": ("L 404 404 404 404", "L - 405 - 405"),
    "events:photo_delete": ("L 405 405 405 405", "L - 404 - 404"),
    "events:eligibility": ("L 200 200 200 200", "L - 403 - 403"),
    "events:detail": ("L 200 200 200 200", "L - 405 - 405"),
    "events:invitations": ("L 200 200 200 200", "L - 405 - 405"),
    "events:invitation_add": ("L 405 405 405 405", "L - 403 - x"),
    "events:invitation": ("L 200 200 200 404", "L - 403 - 404"),
    "events:invitation_status": ("L 405 405 405 405", "L - 403 - 404"),
    "events:invitation_remove": ("L 405 405 405 405", "L - 403 - 404"),
    "events:signings": ("L 200 200 200 200", "L - 403 - 200"),
    "events:signing_remove": ("L 405 405 405 405", "L - x - 404"),
    "events:logistics": ("L 200 200 200 200", "L - 405 - 405"),
    "events:namecards": ("L 200 200 200 200", "L - 405 - 405"),
    "events:programme": ("L 200 200 200 200", "L - 405 - 405"),
    "api:schema": ("200 200 200 200 200", "405 - 405 - 405"),
    "api:docs": ("200 200 200 200 200", "405 - 405 - 405"),
    "api:progress": ("401 404 404 404 404", "401 - 405 - 405"),
    "api:unit-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:unit-detail": ("401 200 200 200 404", "401 - 405 - 405"),
    "api:person-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:person-detail": ("401 200 200 200 404", "401 - 405 - 405"),
    "api:enterprise-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:enterprise-detail": ("401 200 200 200 404", "401 - 405 - 405"),
    "api:project-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:project-detail": ("401 200 200 200 404", "401 - 405 - 405"),
    "api:project-stage": ("401 405 405 405 405", "401 - 403 - 404"),
    "api:stage-event-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:stage-event-detail": ("401 200 200 200 404", "401 - 405 - 405"),
    "api:funds-list": ("401 200 200 200 200", "401 - 415 - 415"),
    "api:funds-detail": ("401 200 200 200 404", "401 - 405 - 405"),
    "api:follow-up-list": ("401 200 200 200 200", "401 - 415 - 415"),
    "api:follow-up-detail": ("401 404 404 404 404", "401 - 405 - 405"),
    "api:campaign-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:campaign-detail": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:target-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:target-detail": ("401 200 200 200 404", "401 - 405 - 405"),
    "api:round-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:round-detail": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:submission-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:submission-detail": ("401 404 404 404 404", "401 - 405 - 405"),
    "api:bulletin-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:bulletin-detail": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:event-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:event-detail": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:invitation-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:invitation-detail": ("401 200 200 200 404", "401 - 405 - 405"),
    "api:signing-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:signing-detail": ("401 200 200 200 404", "401 - 405 - 405"),
    "api:forecast": ("401 404 404 404 404", "401 - 405 - 405"),
    "api:milestone-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:milestone-detail": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:promotion-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:promotion-detail": ("401 404 404 404 404", "401 - 405 - 405"),
    "api:task-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:task-detail": ("401 404 404 404 404", "401 - 405 - 405"),
    "api:notice-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:notice-detail": ("401 404 404 404 404", "401 - 405 - 405"),
    "api:assessment-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:assessment-detail": ("401 404 404 404 404", "401 - 405 - 405"),
    "api:token-list": ("401 200 200 200 200", "401 - 405 - 405"),
    "api:token-detail": ("401 405 405 405 405", "401 - 405 - 405"),
    "api:api-root": ("401 200 200 200 200", "401 - 405 - 405"),
    "api_tokens": ("L 200 200 200 200", "L - 200 - 200"),
    "api_token_revoke": ("L 405 405 405 405", "L - 404 - 404"),
    "notify:outbox": ("L 200 200 200 200", "L - 405 - 405"),
    "notify:run_now": ("L 405 405 405 405", "L - 403 - 403"),
    "jobs:job": ("L 404 404 404 404", "L - 405 - 405"),
    "jobs:file": ("L 404 404 404 404", "L - 405 - 405"),
    "notify:retry": ("L 405 405 405 405", "L - 404 - 404"),
    "notify:unit_channels": ("L 200 403 403 404", "L - 403 - 404"),
    "notify:person_channels": ("L 200 403 403 404", "L - 403 - 404"),
    "assessment:index": ("L 200 200 200 200", "L - 405 - 405"),
    "assessment:scheme": ("L 200 200 200 200", "L - 403 - 403"),
    "assessment:draft": ("L 404 404 403 403", "L - 405 - 405"),
    "assessment:draft_unit": ("L 404 404 403 403", "L - 405 - 405"),
    "assessment:draft_download": ("L 404 404 403 403", "L - 405 - 405"),
    "assessment:publish": ("L 405 405 405 405", "L - 403 - 403"),
    "assessment:published": ("L 404 404 404 404", "L - 405 - 405"),
    "assessment:published_unit": ("L 404 404 404 404", "L - 405 - 405"),
    "assessment:published_download": ("L 404 404 404 404", "L - 405 - 405"),
    "notices:list": ("L 200 200 200 200", "L - 200 - 200"),
    "notices:intake": ("L 200 403 403 403", "L - 403 - 403"),
    "notices:accept": ("L 405 405 405 405", "L - 403 - 403"),
    "notices:detail": ("L 404 404 404 404", "L - 404 - 404"),
    "workbook:start": ("L 200 403 200 200", "L - 403 - 400"),
    "workbook:template": ("L 200 200 200 200", "L - 405 - 405"),
    "workbook:preview": ("L 404 404 404 404", "L - 405 - 405"),
    "workbook:errors": ("L 404 404 404 404", "L - 405 - 405"),
    "workbook:confirm": ("L 405 405 405 405", "L - 404 - 404"),
    "workbook:result": ("L 404 404 404 404", "L - 405 - 405"),
    "public:promotion": ("404 404 404 404 404", "405 - 405 - 405"),
    "public:photo": ("404 404 404 404 404", "405 - 405 - 405"),
    "login": ("200 302 302 302 302", "200 - x - x"),
    "login_code": ("302 302 302 302 302", "302 - 302 - 302"),
    "two_step": ("L 200 200 200 200", "L - 200 - 200"),
    "logout": ("405 405 405 405 405", "L - - - -"),
    "password_change": ("L 200 200 200 200", "L - 200 - 200"),
    "password_change_done": ("L 200 200 200 200", "L - x - x"),
    "home": ("L 200 200 200 200", "L - 200 - 200"),
    "unit_progress": ("L 200 200 200 404", "L - 200 - 404"),
    "unit_forecast": ("L 404 404 404 404", "L - x - x"),
    "project_list": ("L 200 200 200 200", "L - 200 - 200"),
    "project_detail": ("L 200 200 200 404", "L - 200 - 404"),
    "project_edit": ("L 200 403 200 404", "L - x - x"),
    "ledger:list_export": ("L 200 200 200 200", "L - 405 - 405"),
    "ledger:funds_list": ("L 200 200 200 200", "L - 405 - 405"),
    "dispatch:settings": ("L 200 200 200 200", "L - 403 - 403"),
    "supervision:list": ("L 200 200 200 200", "L - 200 - 200"),
    "supervision:export": ("L 200 200 200 200", "L - 405 - 405"),
    "supervision:create": ("L 200 403 200 200", "L - 403 - 200"),
    "supervision:meeting": ("L 200 403 200 200", "L - 403 - 200"),
    "supervision:detail": ("L 200 200 200 404", "L - 200 - 404"),
    "supervision:step": ("L 405 405 405 405", "L - 403 - 404"),
    "supervision:file": ("L 404 404 404 404", "L - x - x"),
}


def args(name: str, params: tuple[str, ...], world, side: str) -> dict:
    """The URL arguments naming ``side``'s ("own": 凯里市, "other": 黎平县) object."""
    w = world
    unit = w.unit[side]
    campaign = w.p.campaign.code
    values = {}
    for param in params:
        if param == "code":
            values[param] = _code(name, w, side)
        elif param == "pk":
            values[param] = _pk(name, w, side)
        elif param == "unit_code":
            values[param] = unit.code
        elif param == "indicator":
            values[param] = w.target[side].indicator
        elif param == "target":
            values[param] = 5
        elif param == "source":
            values[param] = campaign
        elif param == "number":
            values[param] = 1
        elif param == "fmt":
            values[param] = "xlsx"
        elif param == "token":
            values[param] = "none"
        elif param == "kind":
            values[param] = "projects"
        elif param == "step":
            values[param] = "sign"
        else:
            raise KeyError(f"{name}: no value for URL parameter {param}")
    return values


def _code(name: str, w, side: str) -> str:
    app = name.split(":")[0] if ":" in name else ""
    if name.startswith("api:project") or name in ("project_detail", "project_edit"):
        return w.project[side]
    if app == "ledger":
        return w.project[side]
    if app in ("org", "notify") or name in ("unit_progress", "unit_forecast", "api:unit-detail"):
        return w.unit[side].code
    if app in ("campaigns", "dispatch", "assessment") or name.startswith("api:campaign"):
        return w.p.campaign.code
    if name.startswith(("api:task", "api:promotion")):
        return "NONE"
    if app in ("events", "public") or name.startswith("api:event"):
        if "promotion" in name or "photo" in name or app == "public":
            return "NONE"
        if name == "events:eligibility":
            return w.p.campaign.code
        return w.events.event.code
    if app in ("workbook", "jobs"):
        return "none"
    if app == "supervision":
        return w.task[side]
    raise KeyError(f"{name}: no code")


def _pk(name: str, w, side: str) -> int:
    for key, attr in (
        ("funds", "funds"),
        ("stage-event", "stage_event"),
        ("stage_evidence", "stage_event"),
        ("enterprise", "enterprise"),
        ("person", "person"),
        ("team", "team"),
        ("account", "user"),
        ("invitation", "invitation"),
        ("signing", "signing"),
        ("attachment", "attachment"),
    ):
        if key in name:
            return getattr(w, attr)[side]
    if name in ("dispatch:round", "dispatch:remind", "dispatch:submit", "api:round-detail"):
        return w.round.pk
    if name == "api:bulletin-detail":
        return w.bulletin.pk
    if name == "api:target-detail":
        return w.target[side].pk
    if name == "api:milestone-detail":
        # The campaign's own milestones: every unit taking part reads them.
        return w.p.campaign.milestones.order_by("on").first().pk
    return 999999
