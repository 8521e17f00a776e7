"""Fictional names and codes shared by the demo scenario and the benchmark generator.

Every enterprise name starts with 示例 or 演示 so that nobody can mistake a demo
record for a real company; people's names are random combinations of common
surnames and given-name characters. All functions take a seeded
``random.Random`` so that the same seed always gives the same data.
"""

from __future__ import annotations

import random

from zhaoshang.ledger.uscc import ALPHABET as USCC_ALPHABET
from zhaoshang.ledger.uscc import check_character

# GB 11714 organisation code (positions 9–17 of a USCC): weights of its 8 body characters.
_ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code with its GB 11714 check character.

    Real codes carry this inner check too; generating it keeps the fictional
    codes plausible for any validator stricter than ours.
    """
    body = "".join(rng.choice(USCC_ALPHABET) for _ in range(8))
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w
        for ch, w in zip(body, _ORG_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(rng: random.Random, region: str) -> str:
    """A valid-looking USCC of an enterprise (登记管理部门 9, 类别 1) registered in ``region``."""
    body = "91" + region + _org_code(rng)
    return body + check_character(body)


# Origins of investors with a registration region code for their USCC.
ORIGINS: list[tuple[str, str]] = [
    ("广东省", "440300"),
    ("广东省", "440100"),
    ("浙江省", "330100"),
    ("浙江省", "330200"),
    ("上海市", "310115"),
    ("北京市", "110108"),
    ("江苏省", "320500"),
    ("福建省", "350200"),
    ("重庆市", "500112"),
    ("四川省", "510100"),
    ("湖南省", "430100"),
    ("山东省", "370200"),
    ("湖北省", "420100"),
    ("省内", "520100"),
    ("省内", "520300"),
]

# Invented two-character brand words; combined with the 示例/演示 prefix they
# cannot collide with a real registered name.
_BRAND_A = "禾川峻澜岳晟拓朗泓翊楠琮璟骁桉珩屹霁崧湛钧弈瑭烨"
_BRAND_B = "源锦达丰汇睿瀚铭启程曜宸衡朔翎"
_TRADES = [
    "新材料",
    "食品",
    "电子科技",
    "生物医药",
    "新能源",
    "建材",
    "农业开发",
    "文化旅游",
    "物流",
    "茶业",
    "酒业",
    "智能装备",
    "数字科技",
    "林业",
    "康养",
    "矿业",
    "环保科技",
    "商贸",
    "置业",
    "冷链",
]
_FORMS = ["有限公司", "有限公司", "有限公司", "股份有限公司"]


def enterprise_name(rng: random.Random, *, group: bool = False, taken: set[str]) -> str:
    """A unique, clearly fictional enterprise name (示例…有限公司 / 演示…集团有限公司)."""
    while True:
        prefix = rng.choice(("示例", "演示"))
        brand = rng.choice(_BRAND_A) + rng.choice(_BRAND_B)
        trade = rng.choice(_TRADES)
        form = "集团有限公司" if group else rng.choice(_FORMS)
        name = f"{prefix}{brand}{trade}{form}"
        if name not in taken:
            taken.add(name)
            return name


_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗高林龙潘欧石田蒋邓韦"
_GIVEN = "明华建国伟芳敏静丽强军洋勇艳杰娟涛超秀兰霞平刚桂英文辉鹏宇飞玲燕红松林海波"


def person_name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given
