"""Pinyin keys for Chinese names: search by initials (``kls`` → 凯里市) and sort by pinyin.

SQLite has no Chinese collation, and people type pinyin initials far faster
than characters on a phone, so projects and enterprises keep two derived
columns, written whenever the record is saved (see ``Project.save``):

* a sort key, the full pinyin in syllables (``kai li shi``), so ORDER BY on
  it is dictionary order;
* a search text, one lowercase string holding the code, the name, and its
  initials and full pinyin without spaces, so a search is one
  ``LIKE '%q%'``. Characters with several readings (长: chang/zhang, 重:
  chong/zhong) contribute each reading, up to a few combinations, because
  pypinyin's guess for place and company names is often the wrong one.

Unit names are matched in Python instead (:func:`matches`): the units a user
sees are already loaded for the filter's choices, and a renamed unit then
needs no rewrite of its projects.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.simpleseg import seg as _segment

from zhaoshang.workbook.values import to_half_width

# Readings kept per name at most (the first ones: earlier characters matter most).
_MAX_VARIANTS = 6
_SPACES = re.compile(r"\s+")
_HAN = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=8192)
def compact(text: str) -> str:
    """Lower case, half-width, no spaces: how both keys and queries are compared."""
    return _SPACES.sub("", to_half_width(text or "")).lower()


@lru_cache(maxsize=50_000)
def _word(word: str, style, heteronym: bool) -> tuple[tuple[str, ...], ...]:
    if not RE_HANS.match(word):
        return ((word,),)  # pypinyin keeps text without pinyin as it is, as one item
    return tuple(tuple(item) for item in pinyin(word, style=style, heteronym=heteronym))


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_segment(text))


def _readings(text: str, style, heteronym: bool = False) -> list[tuple[str, ...]]:
    """pypinyin's ``pinyin(text)``, one word at a time through a cache.

    pypinyin splits a text into words (runs of Han characters cut by its phrase
    dictionary, runs of other text) and reads each word on its own, so joining
    the readings of the words gives exactly the reading of the text. Names share
    most of their words (有限公司, 项目, 年产, 新材料): a large import reads each
    word once, and each name is cut into words once for all its keys.
    """
    out: list[tuple[str, ...]] = []
    for word in _words(text):
        out += _word(word, style, heteronym)
    return out


def _lazy(text: str, style=Style.NORMAL) -> list[str]:
    """pypinyin's ``lazy_pinyin(text, style)`` through the word cache."""
    return [reading for item in _readings(text, style) for reading in item]


def sort_key(name: str) -> str:
    """Full pinyin in syllables separated by spaces: 凯里市 → ``kai li shi``."""
    parts = _lazy(to_half_width(name or "").strip())
    return " ".join(compact(p) for p in parts if compact(p))[:400]


def _variants(name: str, style) -> list[str]:
    """The name with each ambiguous character read each other way, one at a time.

    One change at a time (not every combination) keeps the key short while
    still finding 长顺 typed as ``cs`` and as ``zs``.
    """
    readings = _readings(name, style, heteronym=True)
    # Each element lists the readings of one character (or one run of non-Han text).
    choices = [[compact(r) for r in dict.fromkeys(item)] for item in readings]
    primary = [c[0] for c in choices]
    variants = ["".join(primary)]
    for position, options in enumerate(choices):
        for other in options[1:]:
            variants.append("".join([*primary[:position], other, *primary[position + 1 :]]))
    return list(dict.fromkeys(variants))[:_MAX_VARIANTS]


@lru_cache(maxsize=20000)
def name_keys(name: str) -> tuple[str, ...]:
    """Everything a name may be typed as: itself, its initials and its full pinyin."""
    text = to_half_width(name or "").strip()
    keys = [compact(text)]
    if _HAN.search(text):
        keys += [compact("".join(_lazy(text, Style.FIRST_LETTER)))]
        keys += [compact("".join(_lazy(text)))]
        keys += _variants(text, Style.FIRST_LETTER)
        keys += _variants(text, Style.NORMAL)
    return tuple(dict.fromkeys(k for k in keys if k))


def search_text(*parts: str) -> str:
    """The search column: the keys of every part, ``|``-separated so no match spans two parts."""
    keys: list[str] = []
    for part in parts:
        if part:
            keys += name_keys(part)
    return "|" + "|".join(dict.fromkeys(keys)) + "|"


def normalize_query(text: str) -> str:
    """A typed search as the search column stores it (``|`` cannot be searched for)."""
    return compact(text).replace("|", "")


def matches(name: str, query: str) -> bool:
    """Whether ``query`` (already normalized) is found in ``name`` or its pinyin."""
    return bool(query) and any(query in key for key in name_keys(name))


# Suffixes that say nothing about which enterprise it is; longest first.
_LEGAL_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "股份公司",
    "控股集团",
    "集团",
    "股份",
    "控股",
    "公司",
)
_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")"})


def enterprise_name_key(name: str) -> str:
    """An enterprise name reduced for duplicate detection.

    ``华岳新能源控股集团有限公司`` and ``华岳新能源 (控股) 集团`` both become
    ``华岳新能源``: spaces, bracket styles and legal-form suffixes are what people
    type differently for the same company.
    """
    text = compact(name).translate(_BRACKETS)
    text = text.replace("(", "").replace(")", "")
    changed = True
    while changed and text:
        changed = False
        for suffix in _LEGAL_SUFFIXES:
            if text.endswith(suffix) and len(text) > len(suffix):
                text = text[: -len(suffix)]
                changed = True
                break
    return text[:200]
