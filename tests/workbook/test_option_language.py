"""The workbook's Chinese words do not depend on the language of the first request."""

import subprocess
import sys

FIRST_IMPORT_UNDER_ENGLISH = """
import os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
django.setup()
from django.utils import translation
translation.activate("en")
from zhaoshang.workbook import core
print(" ".join(sorted(core.STAGE_OPTIONS) + sorted(core.MODE_OPTIONS) + sorted(core.STATUS_OPTIONS)))
print(" ".join(sorted(core.INDICATOR_OPTIONS)))
"""


def test_an_english_page_importing_the_loader_first_does_not_make_stage_words_english():
    done = subprocess.run(
        [sys.executable, "-c", FIRST_IMPORT_UNDER_ENGLISH],
        capture_output=True,
        text=True,
        check=True,
    )
    options, indicators = done.stdout.splitlines()
    for word in ["线索", "洽谈", "签约", "合同", "开工", "投产", "线性", "阶梯"]:
        assert word in options.split()
    assert "Contract" not in options
    assert "合同投资额" in indicators.split()
