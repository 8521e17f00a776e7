"""The English translation: Chinese by default, the whole UI in English after the switch.

The compiled catalogue (.mo) is a build output of ``make setup``; the fixture
below compiles it when it is missing or older than the .po, so the tests also
run straight from pytest.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils.translation import trans_real

import zhaoshang
from zhaoshang.i18n_compile import compile_catalogue

from .helpers import text

PACKAGE = Path(zhaoshang.__file__).resolve().parent
CATALOGUE = PACKAGE / "locale" / "en" / "LC_MESSAGES" / "django.po"
EDITOR = "/campaigns/MQDH2026/targets/"


@pytest.fixture(scope="module", autouse=True)
def compiled_catalogue():
    mo = CATALOGUE.with_suffix(".mo")
    if not mo.exists() or mo.stat().st_mtime < CATALOGUE.stat().st_mtime:
        compile_catalogue(CATALOGUE)
        # Django caches catalogues per process; forget any loaded before compiling.
        trans_real._translations = {}
        trans_real._default = None


def english(client: Client, next_url: str = EDITOR):
    response = client.post("/i18n/setlang/", {"language": "en", "next": next_url})
    assert response.status_code == 302 and response["Location"] == next_url
    return client.get(next_url)


def test_chinese_is_the_default(client_for):
    page = text(client_for("admin").get(EDITOR))
    assert "目标分解" in page and "下级合计" in page and "Target decomposition" not in page
    html = client_for("admin").get(EDITOR).content.decode()
    # The switch offers the other language, in that language.
    assert 'value="English"' in html and 'action="/i18n/setlang/"' in html


def test_switching_to_english_translates_the_whole_page(client_for):
    client = client_for("admin")
    page = text(english(client))
    for phrase in (
        "Target decomposition",
        "Campaign settings",
        "Sub-units' total",
        "Contract amount (10,000 yuan)",
        "✓ Consistent",
        "At every level the target equals the sub-units' total.",
        "Units and accounts",  # top bar
        "Project ledger",
        "Sign out",
        "Investment Promotion Work Dispatch Platform",  # footer
    ):
        assert phrase in page, phrase
    for chinese in ("目标分解", "下级合计", "修改密码", "核对", "单位与账号"):
        assert chinese not in page, chinese
    html = client.get(EDITOR).content.decode()
    assert 'value="中文"' in html


@pytest.mark.parametrize(
    ("url", "phrases"),
    [
        ("/campaigns/MQDH2026/", ["Save settings", "Milestones", "Schedule mode", "Linear"]),
        ("/org/units/522601/", ["Sub-units", "Working team", "New sub-unit", "Township"]),
        ("/org/units/522601/accounts/", ["Reset password", "Deactivate", "Reporter"]),
        ("/org/units/522601/team/", ["Add to the team", "Team leader", "Liaison"]),
        ("/", ["Schedule progress", "Countdown"]),
    ],
)
def test_other_pages_in_english(client_for, url, phrases):
    page = text(english(client_for("admin"), url))
    for phrase in phrases:
        assert phrase in page, phrase


def test_messages_and_validation_in_english(client_for):
    client = client_for("admin")
    english(client)
    response = client.post(
        "/campaigns/MQDH2026/",
        {
            "name": "x",
            "start": "2026-10-20",
            "end": "2026-10-01",
            "mode": "linear",
            "primary_indicator": "contract_amount",
            "green_gap_pp": "0",
            "red_gap_pp": "-10",
        },
    )
    assert "The end date cannot be before the start date." in text(response)
    response = client.post(
        f"{EDITOR}522631/contract_amount/",
        {"value": "35000", "reason": "", "person": "", "deadline": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "To change a target already allocated, please give a reason" in text(response)


def test_switching_back_to_chinese(client_for):
    client = client_for("admin")
    english(client)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": EDITOR})
    assert "目标分解" in text(client.get(EDITOR))


def test_the_login_page_switches_too(db):
    client = Client()
    assert "请使用本单位分配的账号登录" in text(client.get("/login/"))
    assert "Please sign in with the account your unit gave you" in text(english(client, "/login/"))


# ---------------------------------------------------------------- completeness

TEMPLATE_LITERAL = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1""")
PYTHON_LITERAL = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*(["'])((?:(?!\1).)+)\1\s*\)""")


def _source_literals() -> set[str]:
    """Single-line literals marked for translation in templates and Python code."""
    found = set()
    for path in PACKAGE.rglob("*"):
        if "migrations" in path.parts or not path.is_file():
            continue
        if path.suffix == ".html":
            # makemessages escapes % in template strings, as {% translate %} looks them up.
            found |= {m[1].replace("%", "%%") for m in TEMPLATE_LITERAL.findall(path.read_text())}
        elif path.suffix == ".py":
            found |= {m[1] for m in PYTHON_LITERAL.findall(path.read_text())}
    return {s for s in found if re.search(r"[\u4e00-\u9fff]", s)}


def test_every_catalogue_entry_is_translated():
    catalogue = polib.pofile(str(CATALOGUE))
    assert not catalogue.untranslated_entries()
    assert not catalogue.fuzzy_entries()


def test_every_marked_chinese_string_is_in_the_catalogue():
    """New strings need ``zhaoshang makemessages -l en`` and a translation."""
    known = {e.msgid for e in polib.pofile(str(CATALOGUE)) if not e.obsolete}
    missing = sorted(s for s in _source_literals() if s not in known)
    assert not missing, "未翻译（请运行 makemessages 并翻译）：" + "、".join(missing)
