"""The bulletin's section on the campaign's events: what was signed and how much of it
has become contracts, construction and money (履约), per unit.

:func:`events_section` adds the data to the bulletin document (frozen with it
when published): one query when the campaign has no event, four more per
event. The Word and Excel renderers each call one function of this module.
"""

from __future__ import annotations

from datetime import date

from zhaoshang.events.figures import compute, event_document
from zhaoshang.events.models import Event
from zhaoshang.formatting import amount


def events_section(campaign, as_of: date, unit) -> list[dict]:
    """The events of the campaign that started by ``as_of``, with fulfilment per child of ``unit``."""
    events = list(
        Event.objects.filter(campaign=campaign, start__lte=as_of).order_by("start", "code")
    )
    section = []
    for event in events:
        doc = event_document(compute(event, as_of, by_unit=unit))
        section.append(
            {
                "code": doc["code"],
                "name": doc["name"],
                "start": event.start.isoformat(),
                "signings": doc["signings"],
                "fulfilment": doc["fulfilment"],
                "invitations": doc["invitations"],
                "top500_confirmed": doc["top500_confirmed"],
                "units": [u for u in doc["units"] if u["signings"]["count"]],
            }
        )
    return section


def _pct(value) -> str:
    return "—" if value is None else f"{value:.2f}%"


def event_sentence(e: dict) -> str:
    f = e["fulfilment"]
    return (
        f"{e['name']}签约项目{e['signings']['count']}个、签约金额{amount(e['signings']['amount'])}万元；"
        f"截至目前转为正式合同{f['contract']}个（{_pct(f['contract_pct'])}），"
        f"开工{f['started']}个（{_pct(f['started_pct'])}），"
        f"资金到位{f['funded']}个（{_pct(f['funded_pct'])}），到位资金{amount(f['funds_in_place'])}万元。"
    )


UNIT_COLUMNS = [
    "单位",
    "签约项目",
    "签约金额(万元)",
    "转合同",
    "开工",
    "资金到位",
    "到位资金(万元)",
]


def unit_rows(e: dict) -> list[list[str]]:
    return [
        [
            u["name"],
            str(u["signings"]["count"]),
            u["signings"]["amount"],
            str(u["fulfilment"]["contract"]),
            str(u["fulfilment"]["started"]),
            str(u["fulfilment"]["funded"]),
            u["fulfilment"]["funds_in_place"],
        ]
        for u in e["units"]
    ]


def write_word_section(writer, number: int) -> None:
    """The section 签约项目履约情况 of the Word bulletin (``writer``: dispatch.word._Writer)."""
    writer.heading(number, "签约项目履约情况")
    for e in writer.data.get("events") or []:
        writer.para(event_sentence(e))
        rows = unit_rows(e)
        if rows:
            writer.table(
                UNIT_COLUMNS,
                rows,
                [30, 18, 26, 18, 18, 20, 26],
                align_right={1, 2, 3, 4, 5, 6},
            )


def write_excel_sheet(writer) -> None:
    """The sheet 签约履约 of the Excel bulletin (``writer``: dispatch.excel._Writer)."""
    sheet = writer.book.add_worksheet("签约履约")
    writer.header(sheet, 0, ["活动", *UNIT_COLUMNS], [30, 16, 10, 16, 10, 10, 10, 16])
    r = 1
    for e in writer.data.get("events") or []:
        f = e["fulfilment"]
        total = [
            "合计",
            str(e["signings"]["count"]),
            e["signings"]["amount"],
            str(f["contract"]),
            str(f["started"]),
            str(f["funded"]),
            f["funds_in_place"],
        ]
        for row in [*unit_rows(e), total]:
            sheet.write_string(r, 0, e["name"], writer.f_text)
            sheet.write_string(r, 1, row[0], writer.f_text)
            for c, value in enumerate(row[1:], start=2):
                money = c in (3, 7)
                sheet.write_number(r, c, float(value), writer.f_money if money else writer.f_count)
            r += 1
