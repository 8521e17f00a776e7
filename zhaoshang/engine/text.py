"""A plain-text progress table for the terminal (`zhaoshang progress` without --json)."""

from __future__ import annotations

from zhaoshang.engine.progress import Progress, round_pct
from zhaoshang.engine.serialize import money

STATUS_WORD = {"green": "绿", "yellow": "黄", "red": "红", "none": "—"}


def gap_words(gap) -> str:
    gap = round_pct(gap)
    if gap is None:
        return "—"
    if gap >= 0:
        return f"超序时进度 {gap:.2f} 个百分点"
    return f"落后序时进度 {-gap:.2f} 个百分点"


def progress_table(progress: Progress) -> str:
    primary = progress.campaign.primary_indicator
    lines = [
        f"{progress.campaign.name}（{progress.campaign.code}）",
        f"截至 {progress.as_of:%Y年%m月%d日}，序时进度 {round_pct(progress.required_pct):.2f}%",
    ]
    upcoming = progress.next_milestone
    if upcoming is not None:
        lines.append(
            f"距 {upcoming.on:%m月%d日} 节点（应完成 {upcoming.pct:.0f}%）还有 {upcoming.days_left} 天"
            f"（{upcoming.workdays_left} 个工作日{'，按周末推算' if upcoming.workdays_estimated else ''}）"
        )
    lines.append("")
    lines.append("排名\t单位\t目标\t完成\t完成率\t差距\t状态")
    for row in [progress.unit, *progress.ranked_children()]:
        fig = row.indicators[primary]
        pct = round_pct(fig.completion_pct)
        lines.append(
            "\t".join(
                [
                    "" if row is progress.unit else str(row.rank or "—"),
                    row.name,
                    money(fig.target) or "—",
                    money(fig.achieved) if fig.is_money else str(fig.achieved),
                    "—" if pct is None else f"{pct:.2f}%",
                    gap_words(fig.gap_pp),
                    STATUS_WORD[fig.status],
                ]
            )
        )
    return "\n".join(lines) + "\n"
