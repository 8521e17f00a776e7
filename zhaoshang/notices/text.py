"""The notice reading as plain text for the terminal."""

from __future__ import annotations

from zhaoshang.dispatch.diagnostics import LABELS
from zhaoshang.notices.intake import NoticeReading


def reading_text(reading: NoticeReading) -> str:
    lines = ["节点："]
    for m in reading.milestones:
        lines.append(f"  {m.date:%Y-%m-%d} 完成 {m.pct.normalize():f}%  ← {m.quote}")
    lines.append("单位：")
    for u in reading.units:
        role = "分会场" if u.role == "sub_venue" else "主送"
        lines.append(f"  {u.name}（{role}）")
    lines.append("问题：")
    for p in reading.problems:
        lines.append(f"  {LABELS[p.code]}（{p.code}）  ← {p.wording}")
    lines.append("任务：")
    for t in reading.tasks:
        deadline = f"（{t.deadline:%Y-%m-%d}前）" if t.deadline else ""
        lines.append(f"  {t.content}{deadline}")
    return "\n".join(lines) + "\n"
