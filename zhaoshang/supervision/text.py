"""The plain-text list of `zhaoshang tasks` without --json."""

from __future__ import annotations

from zhaoshang.engine.tasks import LEVEL_LABELS, STATUS_LABELS


def tasks_table(document: dict) -> str:
    lines = [f"督办事项（截至 {document['as_of']}）：{len(document['tasks'])} 项"]
    for t in document["tasks"]:
        status = STATUS_LABELS[t["status"]]
        if t["level"]:
            status += f" {LEVEL_LABELS[t['level']]}（逾期{t['workdays_overdue']}个工作日）"
        lines.append(
            f"{t['code']}  {t['lead_unit']}  时限 {t['deadline']}  {status}  {t['content']}"
        )
    return "\n".join(lines) + "\n"
