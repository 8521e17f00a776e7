"""A plain-text progress table for the terminal (`zhaoshang progress` without --json)."""

from __future__ import annotations

from zhaoshang.engine.progress import Progress, round_pct
from zhaoshang.formatting import amount, cn_date, cn_month_day

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
        f"截至 {cn_date(progress.as_of)}，序时进度 {round_pct(progress.required_pct):.2f}%",
    ]
    upcoming = progress.next_milestone
    if upcoming is not None:
        lines.append(
            f"距 {cn_month_day(upcoming.on)} 节点（应完成 {upcoming.pct:.0f}%）还有 {upcoming.days_left} 天"
            f"（{upcoming.workdays_left} 个工作日{'，按周末推算' if upcoming.workdays_estimated else ''}）"
        )
    lines.append("")
    unit = "（万元）" if progress.unit.indicators[primary].is_money else ""
    lines.append(f"排名\t单位\t目标{unit}\t完成{unit}\t完成率\t差距\t状态")
    for row in [progress.unit, *progress.ranked_children()]:
        fig = row.indicators[primary]
        pct = round_pct(fig.completion_pct)
        lines.append(
            "\t".join(
                [
                    "" if row is progress.unit else str(row.rank or "—"),
                    row.name,
                    amount(fig.target),
                    amount(fig.achieved),
                    "—" if pct is None else f"{pct:.2f}%",
                    gap_words(fig.gap_pp),
                    STATUS_WORD[fig.status],
                ]
            )
        )
    return "\n".join(lines) + "\n"
