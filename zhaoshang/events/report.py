"""The event report of the command line: `zhaoshang event CODE [--as-of] --json`."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from zhaoshang.events.figures import compute, event_document, signing_list
from zhaoshang.events.models import Event


def event_report(code: str, as_of: date) -> dict | None:
    """The JSON document of contracts/cli.md, or None for an unknown event code."""
    event = Event.objects.select_related("host_unit", "campaign__unit").filter(code=code).first()
    if event is None:
        return None
    with translation.override("zh-hans"):
        figures = compute(event, as_of)
        return event_document(figures, signing_list=signing_list(event, as_of))


def event_text(document: dict) -> str:
    """The same figures as a few lines for a terminal."""
    inv = document["invitations"]
    ful = document["fulfilment"]

    def pct(value) -> str:
        return "—" if value is None else f"{value:.2f}%"

    lines = [
        f"{document['name']}（{document['code']}），截至 {document['as_of']}",
        f"邀约：拟邀 {inv['planned']}，已邀 {inv['invited']}，已确认 {inv['confirmed']}，"
        f"已到会 {inv['attended']}，婉拒 {inv['declined']}；500强企业确认 {document['top500_confirmed']} 家",
        f"签约：{document['signings']['count']} 个项目，{document['signings']['amount']} 万元",
        f"履约：合同 {ful['contract']}（{pct(ful['contract_pct'])}），开工 {ful['started']}"
        f"（{pct(ful['started_pct'])}），资金到位 {ful['funded']}（{pct(ful['funded_pct'])}），"
        f"到位资金 {ful['funds_in_place']} 万元",
    ]
    return "\n".join(lines) + "\n"
