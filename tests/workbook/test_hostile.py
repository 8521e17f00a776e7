"""Every file of the broken and hostile corpus through `zhaoshang load`.

Imported correctly, or refused with a clear Chinese message; never a
traceback, never a partial write (row and history counts unchanged). The
time and memory bound per file is measured by `zhaoshang bench --only import`.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.workbook.conftest import model_counts
from tests.workbook.hostile import CASES, ERRORS, OK, REFUSED
from zhaoshang.cli import main
from zhaoshang.org.models import UnitKind
from zhaoshang.org.services import do_save_unit

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def units(db):
    root, _c, _ch = do_save_unit("990000", name="测试州", kind=UnitKind.PREFECTURE, parent=None)
    for code, name in (("990001", "甲县"), ("990002", "乙县")):
        do_save_unit(code, name=name, kind=UnitKind.COUNTY, parent=root)


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 60
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_through_the_command_line(case, units, tmp_path, capsys):
    path = tmp_path / case.file
    case.build(path)
    before = model_counts()
    status = main(["load", str(path), "--json"])
    captured = capsys.readouterr()
    assert status in case.expect, (status, captured.out[-800:], captured.err)
    assert "Traceback" not in captured.out + captured.err
    if status == REFUSED:
        message = captured.err
        assert message.startswith("错误：") and message.count("\n") == 1, message
        assert CHINESE.search(message)
        assert case.says in message, message
    else:
        document = json.loads(captured.out)
        assert document["ok"] is (status == OK)
        if status == ERRORS:
            assert document["errors"] and all(CHINESE.search(e) for e in document["errors"])
            text = "\n".join(document["errors"])
            assert case.says in text, text
    if status != OK:
        assert model_counts() == before


def test_openpyxl_parses_through_defusedxml():
    """The template and error-workbook code opens files with openpyxl: never with a bare parser."""
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML is True
