"""The bulletin's section on supervised tasks: what is overdue, escalated, as of its day."""

from __future__ import annotations

from datetime import date, datetime

from zhaoshang.engine.tasks import LEVEL_LABELS, OVERDUE
from zhaoshang.supervision.models import Task
from zhaoshang.supervision.queries import listed, with_status

COLUMNS = ["事项编号", "事项内容", "牵头单位", "办理时限", "逾期工作日", "督办等级"]
LEVEL_ORDER = {"red": 0, "orange": 1, "blue": 2}
LEVEL_FILL = {"red": "#FFC7CE", "orange": "#F8CBAD", "blue": "#DDEBF7"}


def tasks_section(campaign, as_of: date, unit) -> dict | None:
    """Tasks of the unit's subtree open and past their deadline on the bulletin's day.

    Tasks of the campaign and those of no campaign are listed; worst first.
    None when there is nothing to report (no section is printed).
    """
    from django.db.models import Q

    qs = (
        Task.objects.filter(deadline__lt=as_of, assigned_on__lte=as_of)
        .filter(Q(campaign=campaign) | Q(campaign__isnull=True))
        .filter(Q(lead_unit__path__startswith=unit.path))
        .exclude(closed_on__lte=as_of)
    )
    return _section(with_status(listed(qs), as_of), as_of)


def word_rows(section: dict) -> list[list[str]]:
    return [
        [
            t["code"],
            t["content"],
            t["lead_unit_name"],
            t["deadline"],
            str(t["workdays_overdue"]),
            t["level_label"],
        ]
        for t in section["overdue"]
    ]


def sentence(section: dict) -> str:
    levels = section["levels"]
    return (
        f"截至统计日，逾期未办结的督办事项{section['count']}项，其中红色督办{levels['red']}项、"
        f"橙色督办{levels['orange']}项、蓝色督办{levels['blue']}项。"
    )


def write_word_section(writer, number: int) -> None:
    """The section 督办事项逾期情况 of the Word bulletin (``writer``: dispatch.word._Writer)."""
    section = writer.data["tasks"]
    writer.heading(number, "督办事项逾期情况")
    writer.para(sentence(section))
    writer.table(COLUMNS, word_rows(section), [22, 60, 26, 22, 16, 20], align_right={4})


def write_excel_sheet(writer) -> None:
    """The sheet 督办事项 of the Excel bulletin (``writer``: dispatch.excel._Book)."""
    section = writer.data["tasks"]
    sheet = writer.book.add_worksheet("督办事项")
    sheet.write_string(0, 0, sentence(section), writer.f_label)
    writer.header(sheet, 1, [*COLUMNS, "领导关注"], [12, 44, 16, 14, 10, 10, 8])
    sheet.freeze_panes(2, 1)
    for r, t in enumerate(section["overdue"], start=2):
        sheet.write_string(r, 0, t["code"], writer.f_text)
        sheet.write_string(r, 1, t["content"], writer.f_wrap)
        sheet.write_string(r, 2, t["lead_unit_name"], writer.f_text)
        sheet.write_datetime(r, 3, datetime.fromisoformat(t["deadline"]), writer.f_date)
        sheet.write_number(r, 4, t["workdays_overdue"], writer.f_count)
        sheet.write_string(r, 5, t["level_label"], writer.f_text)
        sheet.write_string(r, 6, "是" if t.get("leader_watching") else "", writer.f_text)
    last = 1 + len(section["overdue"])
    # The level cells in the colour of their 督办 level, as on the page.
    for level, label in LEVEL_LABELS.items():
        sheet.conditional_format(
            2,
            5,
            last,
            5,
            {
                "type": "cell",
                "criteria": "==",
                "value": f'"{label}"',
                "format": writer.book.add_format({"bg_color": LEVEL_FILL[level]}),
            },
        )
    sheet.autofilter(1, 0, last, len(COLUMNS))


def _section(views, as_of: date) -> dict | None:
    overdue = [v for v in views if v.status.status == OVERDUE]
    if not overdue:
        return None
    overdue.sort(
        key=lambda v: (LEVEL_ORDER[v.status.level], -v.status.workdays_overdue, v.task.code)
    )
    counts = {level: sum(v.status.level == level for v in overdue) for level in LEVEL_ORDER}
    return {
        "as_of": as_of.isoformat(),
        "count": len(overdue),
        "levels": counts,
        "overdue": [
            {
                "code": v.task.code,
                "content": v.task.content,
                "lead_unit": v.task.lead_unit.code,
                "lead_unit_name": v.task.lead_unit.name,
                "deadline": v.task.deadline.isoformat(),
                "workdays_overdue": v.status.workdays_overdue,
                "level": v.status.level,
                "level_label": LEVEL_LABELS[v.status.level],
                "leader_watching": v.task.leader_watching,
            }
            for v in overdue
        ],
    }
