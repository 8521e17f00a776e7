"""Formatting shared by the Word and Excel bulletins: they show the same tables the same way."""

from __future__ import annotations

from decimal import Decimal

from zhaoshang.campaigns.models import MONEY_INDICATORS
from zhaoshang.formatting import amount

STATUS_WORDS = {"green": "绿色", "yellow": "黄色", "red": "红色", "none": "无目标"}
# Light fills that print legibly in black and white too.
STATUS_FILL = {"green": "C6EFCE", "yellow": "FFEB9C", "red": "FFC7CE", "none": "EDEDED"}
UNIT_OF = {
    "contract_amount": "单位：万元",
    "funds_in_place": "单位：万元",
    "contract_projects": "单位：个",
    "top500_enterprises": "单位：家",
    "park_projects": "单位：个",
    "industrial_projects": "单位：个",
}


def fmt_amount(indicator: str, value) -> str:
    """42,000 (12,345.50) for 万元, 6 for counts, — for nothing."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    if indicator in MONEY_INDICATORS:
        return amount(number)
    return f"{number.normalize():f}" if number != number.to_integral() else str(int(number))


def fmt_pct(value) -> str:
    return "—" if value is None else f"{Decimal(str(value)):.2f}%"


def fmt_gap(value) -> str:
    if value is None:
        return "—"
    number = Decimal(str(value))
    return f"+{number:.2f}" if number > 0 else (f"−{-number:.2f}" if number < 0 else "0.00")


def ranked_rows(document: dict) -> list[dict]:
    """The children in ranking order; units without a target last, by code."""
    return sorted(
        document["children"],
        key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]),
    )


def stage_words(project: dict) -> str:
    return project.get("stage_label") or ""
