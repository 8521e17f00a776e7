"""The bulletin's 签约项目履约情况 section, in the document, Word and Excel."""

from __future__ import annotations

import io
from datetime import date

from docx import Document
from openpyxl import load_workbook

from zhaoshang.dispatch.bulletin import build_bulletin
from zhaoshang.dispatch.excel import render_xlsx
from zhaoshang.dispatch.word import render_docx

DAY = date(2026, 12, 20)


def test_the_bulletin_carries_the_fulfilment_of_the_campaigns_event(world):
    doc = build_bulletin(world.personas.campaign, DAY)
    [event] = doc["events"]
    # The figures of test_figures.py: 5 signed, 2 contract, 1 started, 2 funded.
    assert (
        event["fulfilment"]["contract"] == 2 and event["fulfilment"]["funds_in_place"] == "8000.00"
    )
    units = {u["code"]: u for u in event["units"]}
    assert set(units) == {"522601", "522631"}  # only units that signed something
    assert units["522601"]["signings"] == {"count": 3, "amount": "51000.00"}

    word = Document(io.BytesIO(render_docx(doc)))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "签约项目履约情况" in text
    assert (
        "转为正式合同2个（40.00%），开工1个（20.00%），资金到位2个（40.00%），到位资金8,000万元"
        in text
    )
    book = load_workbook(io.BytesIO(render_xlsx(doc)))
    sheet = book["签约履约"]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    assert ["2026年民营企业助推贵州发展大会", "合计", 5, 80000, 2, 1, 2, 8000] in rows


def test_an_event_not_yet_begun_is_left_out(world):
    assert build_bulletin(world.personas.campaign, date(2026, 11, 27))["events"] == []


def test_the_bulletin_page_shows_the_section(world, client_for):
    page = (
        client_for("admin")
        .get("/dispatch/MQDH2026/bulletins/draft/?as_of=2026-12-20")
        .content.decode()
    )
    assert "七、签约项目履约情况" in page
    assert "转为正式合同 2 个（40.00%）" in page
