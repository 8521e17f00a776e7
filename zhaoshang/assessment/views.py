"""Assessment pages: the scheme, the draft and published assessments, the drill-down, the files.

Thin on purpose: scores come from the engine (through assessment/document.py),
writes go through assessment/services.py. The rules are the bulletin's:
- everyone taking part in the campaign reads its scheme and the published
  assessments (the ranking is for everyone addressed);
- the records behind a unit's points follow ledger scope: only a user who
  sees that unit opens its drill-down (else 404);
- drafts are for those who see the whole campaign; its administrators edit
  the scheme and publish. A page seen but not acted on gives 403.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from zhaoshang.assessment.document import assessment_document, records_document
from zhaoshang.assessment.excel import render_xlsx
from zhaoshang.assessment.forms import SchemeForm
from zhaoshang.assessment.models import (
    Item,
    PublishedAssessment,
    SchemeAdjustment,
    SchemeIndicator,
)
from zhaoshang.assessment.services import do_publish_assessment, do_save_scheme
from zhaoshang.assessment.tables import (
    INDICATOR_WORDS,
    ITEM_UNITS,
    ITEM_WORDS,
    METHOD_WORDS,
    item_words,
    method_words,
    ratio_words,
    summary,
)
from zhaoshang.assessment.word import render_docx
from zhaoshang.campaigns.models import Campaign, Indicator
from zhaoshang.dispatch.forms import AsOfForm
from zhaoshang.dispatch.views import _attachment
from zhaoshang.dispatch.word import issue_number
from zhaoshang.engine.assessment import NoScheme, compute_assessment, records
from zhaoshang.engine.progress import UnknownUnit, campaign_root
from zhaoshang.ledger.models import Project
from zhaoshang.org.models import Unit
from zhaoshang.org.scope import get_visible_or_404, scope_of, visible

FORMATS = {
    "docx": (
        render_docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": (render_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _campaign(request, code: str) -> Campaign:
    return get_visible_or_404(Campaign.objects.select_related("unit"), request.user, code=code)


def _root(campaign: Campaign) -> Unit:
    try:
        return campaign_root(campaign)
    except UnknownUnit:
        raise Http404 from None


def _roles(user, root: Unit) -> dict:
    scope = scope_of(user)
    return {"sees_all": scope.contains(root), "can_manage": scope.can_manage(root)}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _as_of(request, source) -> date:
    form = AsOfForm(source)
    if form.is_valid() and form.cleaned_data["as_of"]:
        return form.cleaned_data["as_of"]
    if source.get("as_of"):
        raise BadRequest(_("统计截止日期格式不正确。"))
    return timezone.localdate()


def _published(campaign: Campaign, number: int) -> PublishedAssessment:
    found = (
        PublishedAssessment.objects.filter(campaign=campaign, number=number)
        .select_related("published_by")
        .first()
    )
    if found is None:
        raise Http404
    return found


def _draft_document(
    campaign: Campaign, as_of: date, unit_code: str | None = None, *, with_records: bool = False
) -> dict:
    """The live assessment: the scores, all records (files) or one unit's (drill-down)."""
    from zhaoshang.assessment.document import frozen_document

    try:
        if unit_code is None:
            return frozen_document(campaign, as_of, with_records=with_records)
        assessment = compute_assessment(campaign, as_of)
    except NoScheme:
        raise Http404 from None
    document = assessment_document(assessment)
    unit = assessment.unit(unit_code)
    if unit is not None:
        found = records(assessment, {unit.unit_id})[unit.unit_id]
        for u in document["units"]:
            if u["code"] == unit_code:
                u["records"] = records_document(found)
    return document


def _visible_codes(user, model, codes) -> set[str]:
    codes = [c for c in codes if c]
    if not codes:
        return set()
    return set(visible(model.objects.filter(code__in=codes), user).values_list("code", flat=True))


def _scheme_lines(document: dict) -> list[str]:
    scheme = document["scheme"]
    return [method_words(r) for r in scheme["indicators"]] + [
        item_words(r) for r in scheme["adjustments"]
    ]


# ---------------------------------------------------------------- pages


@login_required
@require_GET
def index(request, code: str):
    campaign = _campaign(request, code)
    root = _root(campaign)
    published = list(
        PublishedAssessment.objects.filter(campaign=campaign)
        .select_related("published_by")
        .defer("document")
        .order_by("-number")
    )
    indicators = list(SchemeIndicator.objects.filter(campaign=campaign))
    items = list(SchemeAdjustment.objects.filter(campaign=campaign))
    scheme = {
        "indicators": [
            {"indicator": r.indicator, "weight": r.weight, "method": r.method} for r in indicators
        ],
        "adjustments": [{"item": r.item, "points": r.points, "cap": r.cap} for r in items],
    }
    scheme["indicators"].sort(key=lambda r: Indicator.values.index(r["indicator"]))
    scheme["adjustments"].sort(key=lambda r: Item.values.index(r["item"]))
    context = {
        "campaign": campaign,
        "root": root,
        "published": published,
        "scheme_lines": _scheme_lines({"scheme": scheme}),
        "has_scheme": bool(indicators or items),
        "draft_form": AsOfForm(initial={"as_of": timezone.localdate()}),
        **_roles(request.user, root),
    }
    return render(request, "assessment/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def scheme(request, code: str):
    campaign = _campaign(request, code)
    root = _root(campaign)
    roles = _roles(request.user, root)
    indicators = {r.indicator: r for r in SchemeIndicator.objects.filter(campaign=campaign)}
    items = {r.item: r for r in SchemeAdjustment.objects.filter(campaign=campaign)}
    if request.method == "POST":
        _require(roles["can_manage"])
        form = SchemeForm(request.POST, indicators=indicators, items=items)
        if form.is_valid():
            d = form.cleaned_data
            chosen = {
                v: (d[f"weight_{v}"], d[f"method_{v}"]) for v in Indicator.values if d[f"use_{v}"]
            }
            adjustments = {
                v: (d[f"points_{v}"], d[f"cap_{v}"]) for v in Item.values if d[f"use_{v}"]
            }
            try:
                changed = do_save_scheme(
                    campaign, chosen, adjustments, actor=request.user, reason=_("修改考核方案")
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                if changed:
                    messages.success(request, _("考核方案已保存。"))
                else:
                    messages.info(request, _("没有修改任何内容。"))
                return redirect("assessment:scheme", code=campaign.code)
    else:
        form = SchemeForm(indicators=indicators, items=items)
    history = sorted(
        [
            *SchemeIndicator.history.filter(campaign_id=campaign.pk).select_related("history_user"),
            *SchemeAdjustment.history.filter(campaign_id=campaign.pk).select_related(
                "history_user"
            ),
        ],
        key=lambda h: h.history_date,
        reverse=True,
    )[:20]
    context = {
        "campaign": campaign,
        "root": root,
        "form": form,
        "history": history,
        "active": "assessment",
        **roles,
    }
    return render(request, "assessment/scheme.html", context)


def _page(request, campaign: Campaign, root: Unit, document: dict, published=None):
    roles = _roles(request.user, root)
    as_of = date.fromisoformat(document["as_of"])
    codes = [u["code"] for u in document["units"]]
    context = {
        "campaign": campaign,
        "root": root,
        "doc": document,
        "published": published,
        "draft": published is None,
        "as_of": as_of,
        "summary": summary(document),
        # 第N期 or the office's document number, as the Word file prints it.
        "issue": issue_number(document["bulletin"]),
        "scheme_lines": _scheme_lines(document),
        "indicator_words": INDICATOR_WORDS,
        "item_words": ITEM_WORDS,
        "drillable": _visible_codes(request.user, Unit, codes),
        **roles,
    }
    return render(request, "assessment/assessment.html", context)


@login_required
@require_GET
def draft(request, code: str):
    campaign = _campaign(request, code)
    root = _root(campaign)
    _require(_roles(request.user, root)["sees_all"])
    return _page(request, campaign, root, _draft_document(campaign, _as_of(request, request.GET)))


@login_required
@require_GET
def published(request, code: str, number: int):
    campaign = _campaign(request, code)
    found = _published(campaign, number)
    return _page(request, campaign, _root(campaign), found.document, found)


def _unit_page(request, campaign: Campaign, document: dict, unit_code: str, published=None):
    # Record-level detail follows ledger scope: the unit must be visible to the user.
    get_visible_or_404(Unit.objects.all(), request.user, code=unit_code)
    unit = next((u for u in document["units"] if u["code"] == unit_code), None)
    if unit is None:
        raise Http404
    found = unit.get("records") or {}
    projects = found.get("projects", [])
    by_indicator = {
        "contract_amount": projects,
        "contract_projects": projects,
        "park_projects": [p for p in projects if p["park"]],
        "industrial_projects": [p for p in projects if p["is_industrial"]],
        "funds_in_place": [p for p in projects if p["funds"] and float(p["funds"])],
    }
    has_top500_item = any(a["item"] == "top500" for a in unit["adjustments"])
    lines = []
    for s in unit["items"]:
        anchor = f"records-{s['indicator']}"
        if s["indicator"] == "top500_enterprises" and has_top500_item:
            anchor = "records-top500"  # the same enterprises, listed once
        lines.append(
            {
                **s,
                "projects": by_indicator.get(s["indicator"]),
                "ratio_words": ratio_words(s["ratio"]),
                "anchor": anchor,
            }
        )
    adjustments = [
        {**a, "unit_word": ITEM_UNITS[a["item"]], "label": ITEM_WORDS[a["item"]]}
        for a in unit["adjustments"]
    ]
    context = {
        "campaign": campaign,
        "doc": document,
        "unit": unit,
        "lines": lines,
        "adjustments": adjustments,
        "records": found,
        "published": published,
        "draft": published is None,
        "as_of": date.fromisoformat(document["as_of"]),
        "indicator_words": INDICATOR_WORDS,
        "method_words": METHOD_WORDS,
        "openable": _visible_codes(request.user, Project, [p["code"] for p in projects]),
        "back": reverse("assessment:published", args=[campaign.code, published.number])
        if published
        else reverse("assessment:draft", args=[campaign.code])
        + "?"
        + urlencode({"as_of": document["as_of"]}),
    }
    return render(request, "assessment/unit.html", context)


@login_required
@require_GET
def draft_unit(request, code: str, unit_code: str):
    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["sees_all"])
    as_of = _as_of(request, request.GET)
    return _unit_page(request, campaign, _draft_document(campaign, as_of, unit_code), unit_code)


@login_required
@require_GET
def published_unit(request, code: str, number: int, unit_code: str):
    campaign = _campaign(request, code)
    found = _published(campaign, number)
    return _unit_page(request, campaign, found.document, unit_code, found)


@login_required
@require_POST
def publish(request, code: str):
    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["can_manage"])
    as_of = _as_of(request, request.POST)
    try:
        found = do_publish_assessment(campaign, as_of, actor=request.user)
    except NoScheme as exc:
        messages.error(request, str(exc))
        return redirect("assessment:index", code=campaign.code)
    messages.success(
        request,
        _("已发布考核通报第%(number)d期。此后台账的修改不会改变已发布的得分。")
        % {"number": found.number},
    )
    return redirect("assessment:published", code=campaign.code, number=found.number)


def _file_name(document: dict, fmt: str) -> str:
    header = document["bulletin"]
    issue = f"第{header['number']}期" if header["number"] else "征求意见稿"
    return f"{document['campaign_name']}考核结果{issue}（截至{document['as_of']}）.{fmt}"


def _download(document: dict, fmt: str):
    if fmt not in FORMATS:
        raise Http404
    renderer, content_type = FORMATS[fmt]
    return _attachment(renderer(document), _file_name(document, fmt), content_type)


@login_required
@require_GET
def published_download(request, code: str, number: int, fmt: str):
    campaign = _campaign(request, code)
    # Rendered from the frozen document alone, never from the ledger.
    return _download(_published(campaign, number).document, fmt)


@login_required
@require_GET
def draft_download(request, code: str, fmt: str):
    campaign = _campaign(request, code)
    _require(_roles(request.user, _root(campaign))["sees_all"])
    if fmt not in FORMATS:
        raise Http404
    document = _draft_document(campaign, _as_of(request, request.GET), with_records=True)
    return _download(document, fmt)
