"""The `zhaoshang` command line: progress JSON and one-line refusals (contracts/cli.md)."""

import json
from datetime import date

import pytest

from tests.engine import builders as b
from zhaoshang.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture
def small():
    R = b.unit("880000", "样州")
    A = b.unit("880001", "甲县", R)
    c = b.campaign("EX", root=R)
    b.target(c, R, 60000)
    b.target(c, A, 20000)
    b.project(A, 9000, date(2026, 11, 1))
    return c


def test_progress_json(small, capsys):
    assert main(["progress", "--campaign", "EX", "--as-of", "2026-11-20", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["as_of"] == "2026-11-20"
    assert doc["required_pct"] == 62.5
    (child,) = doc["children"]
    # 9000 / 20000 = 45 %, gap 45 − 62.5 = −17.5 → red
    assert child["indicators"]["contract_amount"]["completion_pct"] == 45.0
    assert child["status"] == "red"
    assert child["rank"] == 1


def test_progress_accepts_chinese_dates(small, capsys):
    assert main(["progress", "--campaign", "EX", "--as-of", "2026年11月20日", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["as_of"] == "2026-11-20"


def test_progress_table_in_words(small, capsys):
    assert main(["progress", "--campaign", "EX", "--as-of", "2026-11-20"]) == 0
    out = capsys.readouterr().out
    assert "落后序时进度 17.50 个百分点" in out
    assert "距 12月5日 节点" in out
    assert "截至 2026年11月20日" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["progress", "--campaign", "NOPE", "--json"], "未找到行动编码为「NOPE」的专项行动"),
        (
            ["progress", "--campaign", "EX", "--unit", "123", "--json"],
            "未找到单位编码为「123」的单位",
        ),
    ],
)
def test_unknown_codes_are_refused_in_one_line(small, capsys, argv, message):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert err.count("\n") == 1


def test_bad_date_is_refused(small, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["progress", "--campaign", "EX", "--as-of", "2026-13-45", "--json"])
    assert exit_info.value.code == 2
    assert "不是有效日期" in capsys.readouterr().err


def test_notice_json_writes_nothing(tmp_path, capsys):
    from zhaoshang.campaigns.models import Milestone

    path = tmp_path / "通知.txt"
    path.write_text("各县市人民政府：\n11月15日前完成一半。\n要加强调度。\n", encoding="utf-8")
    assert main(["notice", str(path), "--year", "2026", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["milestones"] == [
        {"date": "2026-11-15", "pct": 50.0, "quote": "11月15日前完成一半。"}
    ]
    assert doc["units"] == ["各县市人民政府"]
    assert doc["tasks"][0]["quote"] == "要加强调度。"
    assert not Milestone.objects.exists()
