"""The search and sort keys read through the word cache are exactly pypinyin's own reading."""

from hypothesis import given, settings
from hypothesis import strategies as st
from pypinyin import Style, lazy_pinyin, pinyin

from zhaoshang.ledger import pinyin as keys

# Characters with several readings, phrases pypinyin reads as a whole, and plain text.
PIECES = [
    "长顺",
    "重庆",
    "银行",
    "长",
    "重",
    "行",
    "乐",
    "都匀",
    "凯里",
    "黔东南",
    "有限公司",
    "项目",
    "年产",
    "万吨",
    "新材料",
    "朝阳",
    "曾",
    "单",
    "A",
    "12",
    "ＡＢ",
    " ",
    "-",
    "（",
    "）",
    "x",
    "贵州",
    "女",
    "绿",
    "的",
    "地",
    "得",
    "和",
    "调度",
    "招商",
]


def reference_keys(text: str) -> tuple[list[str], list[list[str]], list[list[str]]]:
    return (
        lazy_pinyin(text),
        pinyin(text, style=Style.NORMAL, heteronym=True),
        pinyin(text, style=Style.FIRST_LETTER, heteronym=True),
    )


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map("".join))
def test_word_cache_reads_as_pypinyin_reads_the_whole_text(text):
    lazy, normal, first = reference_keys(text)
    assert keys._lazy(text) == lazy
    assert keys._lazy(text, Style.FIRST_LETTER) == lazy_pinyin(text, style=Style.FIRST_LETTER)
    assert [list(r) for r in keys._readings(text, Style.NORMAL, True)] == normal
    assert [list(r) for r in keys._readings(text, Style.FIRST_LETTER, True)] == first


def test_known_keys_unchanged():
    assert keys.sort_key("凯里市") == "kai li shi"
    text = keys.search_text("P-1", "长顺县项目")
    for typed in ("cs", "zs", "changshun", "zhangshun", "csxxm", "p-1"):
        assert typed in text
