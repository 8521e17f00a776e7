"""The assessment document as table rows: shared by the page, the Word and the Excel files."""

from __future__ import annotations

from decimal import Decimal

INDICATOR_WORDS = {
    "contract_amount": "合同投资额",
    "contract_projects": "合同项目数",
    "top500_enterprises": "500强企业数",
    "park_projects": "园区项目数",
    "industrial_projects": "工业项目数",
    "funds_in_place": "到位资金",
}
MONEY = {"contract_amount", "funds_in_place"}
METHOD_WORDS = {"capped": "封顶比例", "efficacy": "功效系数"}
ITEM_WORDS = {"top500": "500强企业", "overdue_tasks": "逾期督办事项", "late_reports": "逾期填报"}
ITEM_UNITS = {"top500": "家", "overdue_tasks": "项", "late_reports": "次"}


def plain(value) -> str:
    """5.00 → "5", -2.50 → "-2.5": points as people write them."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def ratio_words(value) -> str:
    return "—" if value is None else f"{Decimal(str(value)) * 100:.2f}%"


def figure_words(indicator: str, value) -> str:
    if value is None:
        return "—"
    if indicator in MONEY:
        return f"{Decimal(str(value)):,.2f}"
    return str(value)


def method_words(rule: dict) -> str:
    """One line of the scheme, as the bulletin states it."""
    name = INDICATOR_WORDS[rule["indicator"]]
    if rule["method"] == "capped":
        how = "按完成比例计分，超额完成不加分"
    else:
        how = "按功效系数法计分（最低 0.6 倍、最高满分，各单位完成比例相同时均得满分）"
    return f"{name}{plain(rule['weight'])}分，{how}"


def item_words(rule: dict) -> str:
    name = ITEM_WORDS[rule["item"]]
    points = Decimal(rule["points"])
    verb = "加" if points >= 0 else "减"
    cap = f"，最多{verb}{plain(rule['cap'])}分" if rule.get("cap") else ""
    return f"{name}每{ITEM_UNITS[rule['item']]}{verb}{plain(abs(points))}分{cap}"


def header_row(document: dict) -> list[str]:
    scheme = document["scheme"]
    return [
        "排名",
        "单位",
        *[
            f"{INDICATOR_WORDS[r['indicator']]}({plain(r['weight'])}分)"
            for r in scheme["indicators"]
        ],
        *[ITEM_WORDS[r["item"]] for r in scheme["adjustments"]],
        "总分",
    ]


def score_row(unit: dict) -> list[str]:
    return [
        str(unit["rank"]),
        unit["name"],
        *["未下达目标" if s["no_target"] else s["score"] for s in unit["items"]],
        *[a["points"] for a in unit["adjustments"]],
        unit["total"],
    ]


def summary(document: dict) -> str:
    """The opening paragraph: how many units, who leads, who trails."""
    units = document["units"]
    as_of = document["as_of"]
    year, month, day = (int(p) for p in as_of.split("-"))
    if not units:
        return f"截至{year}年{month}月{day}日，尚无下达目标任务的考核单位。"
    first = [u["name"] for u in units if u["rank"] == 1]
    last_rank = units[-1]["rank"]
    last = [u["name"] for u in units if u["rank"] == last_rank]
    text = (
        f"按照{document['campaign_name']}考核方案，截至{year}年{month}月{day}日，"
        f"对{len(units)}个单位进行考核。{'、'.join(first)}以{units[0]['total']}分位列第一"
    )
    if len(units) > 1 and last_rank != 1:
        text += f"，{'、'.join(last)}以{units[-1]['total']}分位列最后"
    return text + "。"
