"""The bulletin's section 完成预测 (engine.forecast): who will reach the next milestone and the
end, who will miss them unless something changes. The office can switch it off
(DispatchSettings.forecast_in_bulletin). Word and Excel renderers each call one function."""

from __future__ import annotations

from zhaoshang.formatting import amount, cn_date

COLUMNS = ["单位", "目标", "已完成", "储备项目", "下一节点预计", "行动结束预计", "还需合同项目"]


def _range(o: dict | None) -> str:
    if not o:
        return "—"
    if o["expected_pct"] is None:
        return f"{amount(o['expected'])}（{o['verdict_label']}）"
    return (
        f"{o['expected_pct']:.2f}%（{o['low_pct']:.2f}%–{o['high_pct']:.2f}%）{o['verdict_label']}"
    )


def unit_rows(section: dict) -> list[list[str]]:
    rows = []
    for u in section["children"]:
        end = u["end"]
        more = "—" if end["verdict"] in ("done", "none") else str(end["more_projects"] or "—")
        same = u["next"] and u["next"]["date"] == end["date"]
        rows.append(
            [
                u["name"],
                amount(u["target"]),
                amount(u["achieved"]),
                str(u["pipeline_count"]),
                "—" if same else _range(u["next"]),
                _range(end),
                more,
            ]
        )
    return rows


def forecast_sentence(section: dict) -> str:
    """The section's opening: the campaign as a whole, and who will miss the end."""
    u = section["unit"]
    end = u["end"]
    missing = [c["name"] for c in section["children"] if c["end"]["verdict"] == "unlikely"]
    risky = [c["name"] for c in section["children"] if c["end"]["verdict"] == "at_risk"]
    text = (
        f"按目前已完成的、储备项目转为合同的可能性和以往新增合同的进度测算，到{cn_date(end['date'])}预计完成"
        f"{_range(end)}，应完成{end['required_pct']:.0f}%。"
    )
    if end["verdict"] not in ("done", "none") and float(end["shortfall"]):
        text += f"预计还差{amount(end['shortfall'])}万元"
        if end["more_projects"]:
            text += (
                f"，约需再签约{end['more_projects']}个平均规模"
                f"（{amount(section['average_size'])}万元）的合同项目"
            )
        text += "。"
    if missing:
        text += f"如不加大力度，{'、'.join(missing)}难以按期完成。"
    if risky:
        text += f"{'、'.join(risky)}存在风险。"
    return text


def write_word_section(writer, number: int) -> None:
    """The section 完成预测 of the Word bulletin (``writer``: dispatch.word._Writer)."""
    section = writer.data["forecast"]
    writer.heading(number, "完成预测")
    writer.para(forecast_sentence(section))
    rows = unit_rows(section)
    if rows:
        writer.table(COLUMNS, rows, [26, 18, 18, 12, 34, 34, 14], align_right={1, 2, 3, 6})


def write_excel_sheet(writer) -> None:
    """The sheet 完成预测 of the Excel bulletin (``writer``: dispatch.excel._Writer)."""
    section = writer.data["forecast"]
    sheet = writer.book.add_worksheet("完成预测")
    writer.header(sheet, 0, COLUMNS, [20, 14, 14, 10, 36, 36, 12])
    for r, row in enumerate(unit_rows(section), start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value, writer.f_text)
