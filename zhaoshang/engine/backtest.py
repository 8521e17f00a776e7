"""Backtest of the forecast: forecasts as of past days against what then happened.

For every ``every`` days from the campaign's start up to the day before ``until``,
the forecast as of that day (engine.forecast, which sees only what was recorded
by then) is compared, for each ranked unit below the root, with the unit's
achievement at the next milestone and at the campaign's end — for those dates
that have passed by ``until``. Calibration is how often the outcome fell inside
the 10th–90th percentile range; a well-calibrated forecast has about 80 % inside,
10 % above and 10 % below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from zhaoshang.campaigns.models import Campaign
from zhaoshang.engine.forecast import forecast
from zhaoshang.engine.progress import compute


@dataclass
class Check:
    as_of: date
    on: date
    code: str
    expected: Decimal
    low: Decimal
    high: Decimal
    actual: Decimal
    target: Decimal
    predicted_miss: bool
    missed: bool

    @property
    def where(self) -> str:
        if self.actual < self.low:
            return "below"
        if self.actual > self.high:
            return "above"
        return "inside"


@dataclass
class Backtest:
    campaign: str
    until: date
    days: list[date]
    checks: list[Check] = field(default_factory=list)

    def summary(self) -> dict:
        n = len(self.checks)

        def share(items) -> float | None:
            return None if not n else round(100 * len(items) / n, 1)

        errors = [abs(c.expected - c.actual) / c.target * 100 for c in self.checks if c.target]
        flagged = [c for c in self.checks if c.predicted_miss]
        missed = [c for c in self.checks if c.missed]
        return {
            "campaign": self.campaign,
            "until": self.until.isoformat(),
            "forecast_days": [d.isoformat() for d in self.days],
            "checks": n,
            "inside_pct": share([c for c in self.checks if c.where == "inside"]),
            "above_pct": share([c for c in self.checks if c.where == "above"]),
            "below_pct": share([c for c in self.checks if c.where == "below"]),
            "mean_abs_error_pp": None if not errors else float(round(sum(errors) / len(errors), 2)),
            "predicted_miss": len(flagged),
            "predicted_miss_that_missed": len([c for c in flagged if c.missed]),
            "missed": len(missed),
            "missed_that_were_predicted": len([c for c in missed if c.predicted_miss]),
        }


def backtest(campaign: Campaign, *, until: date, every: int = 7) -> Backtest:
    days = []
    day = campaign.start
    last = min(until, campaign.end) - timedelta(days=1)
    while day <= last:
        days.append(day)
        day += timedelta(days=every)
    result = Backtest(campaign.code, until, days)
    outcomes: dict[date, dict[str, Decimal]] = {}

    def outcome(on: date) -> dict[str, Decimal]:
        if on not in outcomes:
            progress = compute(campaign, on)
            primary = campaign.primary_indicator
            outcomes[on] = {
                r.code: Decimal(r.indicators[primary].achieved)
                for r in progress.children
                if primary in r.indicators
            }
        return outcomes[on]

    for as_of in days:
        f = forecast(campaign, as_of)
        if f is None:
            break
        for unit in f.children:
            if not unit.target:
                continue
            for outlook in {o.on: o for o in (unit.next, unit.end) if o is not None}.values():
                if outlook.on > until:
                    continue
                actual = outcome(outlook.on).get(unit.code, Decimal(0))
                result.checks.append(
                    Check(
                        as_of,
                        outlook.on,
                        unit.code,
                        outlook.expected,
                        outlook.low,
                        outlook.high,
                        actual,
                        unit.target,
                        predicted_miss=outlook.verdict == "unlikely",
                        missed=actual < (outlook.needed or 0),
                    )
                )
    return result


def backtest_text(doc: dict) -> str:
    if not doc["checks"]:
        return f"专项行动 {doc['campaign']}：截至 {doc['until']} 没有已过的节点可供检验。\n"
    lines = [
        f"专项行动 {doc['campaign']} 预测回测（截至 {doc['until']}，"
        f"按 {len(doc['forecast_days'])} 个历史日期各做一次预测，共 {doc['checks']} 次单位×节点检验）",
        f"  实际结果落在 10%–90% 区间内：{doc['inside_pct']}%（理想约 80%）",
        f"  高于区间：{doc['above_pct']}%，低于区间：{doc['below_pct']}%",
        f"  预计完成率平均偏差：{doc['mean_abs_error_pp']} 个百分点",
        f"  预测“难以完成”{doc['predicted_miss']} 次，其中确未完成 {doc['predicted_miss_that_missed']} 次；"
        f"实际未完成 {doc['missed']} 次，其中事先预测到 {doc['missed_that_were_predicted']} 次",
    ]
    return "\n".join(lines) + "\n"
