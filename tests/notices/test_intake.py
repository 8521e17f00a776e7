"""Notice intake: the shared samples, every wording of a milestone, dates without a year."""

from __future__ import annotations

import io
import json
import os
from datetime import date
from decimal import Decimal
from pathlib import Path

import docx
import pytest

from zhaoshang.cli import main
from zhaoshang.notices.intake import (
    UnreadableNotice,
    clean_text,
    cn_number,
    read_bytes,
    read_file,
    read_notice,
)

NOTICES = Path(__file__).resolve().parents[2].parent / "shared" / "examples" / "notices"
needs_samples = pytest.mark.skipif(
    not NOTICES.is_dir() and not os.environ.get("CI"),
    reason=f"the shared notice samples {NOTICES} are absent (they sit beside the checkout)",
)


def milestones(text: str, **kw) -> list[tuple[str, float]]:
    return [(m["date"], m["pct"]) for m in read_notice(text, **kw).as_json()["milestones"]]


# ---------------------------------------------------------------- the samples


@needs_samples
def test_sample_a_traditional_with_pinyin(capsys):
    path = NOTICES / "notice-a-traditional-pinyin.txt"
    assert main(["notice", str(path), "--year", "2026", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["text"].startswith(
        "据示例州人民政府网消息 9月8日，示例州召开产业大招商暨招商引资工作推进调度会"
    )
    assert "(" not in doc["text"] and "據" not in doc["text"]
    assert [(m["date"], m["pct"]) for m in doc["milestones"]] == [
        ("2026-09-30", 70.0),  # 百分之七十
        ("2026-10-31", 90.0),  # 百分之九十
        ("2026-12-20", 100.0),  # 全面完成
    ]
    assert sorted(doc["problems"]) == ["effort_gap", "information_gap"]
    assert doc["units"] == ["各县（市、区）", "示例高新区"]
    tasks = doc["tasks"]
    assert len(tasks) == 3
    assert "每周五前报送" in tasks[0]["content"]
    assert "约谈" in tasks[1]["content"]
    assert "项目库" in tasks[2]["content"] and "推介资料" in tasks[2]["content"]
    sentences = [*_sentences(doc["text"])]
    for proposal in doc["milestones"] + doc["tasks"]:
        assert proposal["quote"] in sentences


@needs_samples
def test_sample_b_simplified_takes_the_year_from_its_date(capsys):
    path = NOTICES / "notice-b-simplified.txt"
    assert main(["notice", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["notice_date"] == "2026-11-03"
    assert [(m["date"], m["pct"]) for m in doc["milestones"]] == [
        ("2026-11-20", 80.0),
        ("2026-12-15", 100.0),  # 完成或超额完成
    ]
    assert sorted(doc["problems"]) == sorted(
        ["effort_gap", "information_gap", "few_top500", "few_park_industrial"]
    )
    assert doc["units"] == ["各县市人民政府", "示例经开区管委会", "州直各有关部门"]
    tasks = doc["tasks"]
    assert len(tasks) == 3
    assert "分解到单位" in tasks[0]["content"] and tasks[0]["deadline"] == "2026-11-10"
    assert "每周四17时前报送" in tasks[1]["content"]
    assert "挂牌督办" in tasks[2]["content"]
    sentences = [*_sentences(doc["text"])]
    for proposal in doc["milestones"] + doc["tasks"]:
        assert proposal["quote"] in sentences


def _sentences(text: str):
    from zhaoshang.notices.intake import sentences

    for s in sentences(text):
        yield s.text


# ---------------------------------------------------------------- every wording


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("11月15日前完成一半。", [("2026-11-15", 50.0)]),
        ("11月15日前完成任务的半数以上。", [("2026-11-15", 50.0)]),
        ("9月30日前完成全年目标任务的百分之七十。", [("2026-09-30", 70.0)]),
        ("9月30日前完成百分之七十五。", [("2026-09-30", 75.0)]),
        ("9月30日前完成百分之八十点五。", [("2026-09-30", 80.5)]),
        ("11月20日前，合同投资额完成年度目标的80%。", [("2026-11-20", 80.0)]),
        ("11月20日前完成目标的80％。", [("2026-11-20", 80.0)]),
        ("10月底前完成七成。", [("2026-10-31", 70.0)]),
        ("11月底前完成三分之二。", [("2026-11-30", 66.67)]),
        ("12月15日前完成或超额完成年度目标任务。", [("2026-12-15", 100.0)]),
        ("12月20日前全面完成全年目标任务。", [("2026-12-20", 100.0)]),
        ("12月31日前全部完成。", [("2026-12-31", 100.0)]),
        ("年底前完成全年目标任务。", [("2026-12-31", 100.0)]),
        ("十一月十五日前完成一半。", [("2026-11-15", 50.0)]),
        ("2027年1月15日前完成百分之十。", [("2027-01-15", 10.0)]),
        (
            "确保9月30日前完成百分之七十，10月31日前完成百分之九十，12月20日前全面完成。",
            [("2026-09-30", 70.0), ("2026-10-31", 90.0), ("2026-12-20", 100.0)],
        ),
        ("9月8日召开调度会。", []),  # a date with no share is no milestone
    ],
)
def test_every_milestone_wording(sentence, expected):
    assert milestones(sentence, year=2026) == expected


def test_the_sentence_is_the_quote():
    text = "会议要求，确保11月15日前完成一半。要加强调度。"
    (m,) = read_notice(text, year=2026).as_json()["milestones"]
    assert m["quote"] == "会议要求，确保11月15日前完成一半。"


@pytest.mark.parametrize(
    ("value", "number"),
    [("七十", 70), ("九十", 90), ("十", 10), ("七十五", 75), ("一百", 100), ("八十点五", 80.5)],
)
def test_chinese_numerals(value, number):
    assert cn_number(value) == Decimal(str(number))


# ---------------------------------------------------------------- dates without a year


def test_year_given_wins():
    text = "2025年3月1日\n11月15日前完成一半。"
    assert milestones(text, year=2027) == [("2027-11-15", 50.0)]


def test_year_from_the_notice_date():
    text = "11月15日前完成一半。\n示例州人民政府办公室\n2025年11月3日"
    assert milestones(text) == [("2025-11-15", 50.0)]


def test_year_from_the_notice_date_rolls_into_next_january():
    # A notice of 20 December asking for 15 January means next January.
    text = "1月15日前完成一半。\n2026年12月20日"
    assert milestones(text) == [("2027-01-15", 50.0)]


def test_year_from_today_without_a_notice_date():
    assert milestones("11月15日前完成一半。", today=date(2031, 5, 1)) == [("2031-11-15", 50.0)]


def test_a_date_with_its_own_year_keeps_it():
    assert milestones("2028年6月30日前完成一半。", year=2026) == [("2028-06-30", 50.0)]


# ---------------------------------------------------------------- units, problems, tasks


def test_problem_wordings_map_to_bulletin_codes():
    text = (
        "存在招商力度不够、目标差距较大、信息报送不及时、合同项目偏少、"
        "五百强企业不多、工业项目较少等问题。"
    )
    assert read_notice(text, year=2026).as_json()["problems"] == [
        "effort_gap",
        "target_gap",
        "information_gap",
        "few_contract_projects",
        "few_top500",
        "few_park_industrial",
    ]


def test_lagging_units_in_a_task_are_not_a_target_gap():
    assert read_notice("要对工作滞后的单位进行约谈。", year=2026).as_json()["problems"] == []


def test_task_deadline_where_stated():
    doc = read_notice("要于11月10日前完成项目库建设。各地要抓紧对接客商。", year=2026).as_json()
    assert [(t["content"], t["deadline"]) for t in doc["tasks"]] == [
        ("于11月10日前完成项目库建设", "2026-11-10"),
        ("各地要抓紧对接客商", None),
    ]


def test_sub_venues_and_addressees():
    doc = read_notice(
        "各县市人民政府、州直各部门：\n会议在凯里市、黎平县设分会场。", year=2026
    ).as_json()
    assert doc["units"] == ["各县市人民政府", "州直各部门", "凯里市", "黎平县"]


def test_pinyin_annotation_removed_but_other_brackets_kept():
    assert (
        clean_text("據(jù)消息，縣(xiàn)（市、區(qū)）引進(jìn)GDP(GDP)")
        == "据消息，县（市、区）引进GDP(GDP)"
    )


# ---------------------------------------------------------------- files


def test_docx_is_read_paragraphs_and_tables():
    document = docx.Document()
    document.add_paragraph("關於做好衝刺工作的通知")
    document.add_paragraph("11月20日前完成百分之八十。")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "12月15日前"
    table.rows[0].cells[1].text = "全部完成"
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_bytes(buffer.getvalue(), "通知.docx")
    reading = read_notice(text, year=2026)
    assert reading.text.startswith("关于做好冲刺工作的通知")
    assert [(m.date, m.pct) for m in reading.milestones] == [
        (date(2026, 11, 20), Decimal(80)),
        (date(2026, 12, 15), Decimal(100)),
    ]


def test_gbk_text_is_read(tmp_path):
    path = tmp_path / "通知.txt"
    path.write_bytes("11月15日前完成一半。".encode("gbk"))
    assert read_notice(read_file(path), year=2026).milestones[0].pct == 50


def test_unreadable_files_get_a_message(tmp_path, capsys):
    bad = tmp_path / "坏.docx"
    bad.write_bytes(b"PK\x03\x04not a zip")
    with pytest.raises(UnreadableNotice, match="不是可读取的 Word"):
        read_file(bad)
    assert main(["notice", str(bad), "--json"]) == 2
    assert "不是可读取的 Word" in capsys.readouterr().err
    old = tmp_path / "旧.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0rest")
    assert main(["notice", str(old), "--json"]) == 2
    assert "另存为 .docx" in capsys.readouterr().err
    assert main(["notice", str(tmp_path / "无.txt"), "--json"]) == 2
