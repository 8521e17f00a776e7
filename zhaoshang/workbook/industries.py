"""所属行业 as people write it (contracts/workbook.md): GB/T 4754-2017 section letter
(``C``), division code (``34``), both (``C34``), either followed by the name
(``C34 通用设备制造业``), or the Chinese name of a section or division.

A letter that does not own the division (``A34``) and a name that contradicts
the code (``C34 农业``) are errors: both mean the row says two different
things, and guessing which one was meant would put a project in the wrong
industry's figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zhaoshang.workbook.values import ValueProblem, to_half_width

_FORM = re.compile(r"^(?P<letter>[A-Z])?(?P<digits>\d{1,4})?(?P<name>.*)$")
_HINT = "（可填门类字母如 C、两位大类代码如 34、两者连写如 C34，或行业名称如 通用设备制造业）"


def _key(text: str) -> str:
    return "".join(to_half_width(str(text)).split()).upper()


class IndustryIndex:
    """Finds the industry a cell means, from the shipped table (ledger.Industry rows)."""

    def __init__(self, industries: Iterable):
        self.industries = list(industries)
        self.by_code = {i.code: i for i in self.industries}
        self.by_name = {}
        # Divisions after sections: where a division carries its section's name
        # (房地产业, 教育, 国际组织) the more specific one wins.
        for industry in sorted(self.industries, key=lambda i: i.code.isdigit()):
            self.by_name[_key(industry.name)] = industry

    def find(self, text: str) -> tuple[object, str | None]:
        """(industry, warning or None); raises :class:`ValueProblem` naming what is wrong."""
        if not self.industries:
            raise ValueProblem("系统中没有国民经济行业分类数据（请先运行 zhaoshang migrate）")
        compact = _key(text).strip("-—_.:：、,，")
        by_name = self.by_name.get(compact)
        if by_name is not None:
            return by_name, None
        match = _FORM.match(compact)
        letter, digits, name = match.group("letter"), match.group("digits"), match.group("name")
        name = name.lstrip("-—_.:：、,，")
        warning = None
        found = None
        if digits:
            if len(digits) == 1:
                digits = "0" + digits
            found = self.by_code.get(digits[:2])
            if found is None:
                raise ValueProblem(
                    f"「{text}」：{digits[:2]} 不是 GB/T 4754-2017 的大类代码{_HINT}"
                )
            if len(digits) > 2:
                warning = f"「{text}」按大类「{found.code} {found.name}」记录"
            if letter and found.section != letter:
                section = self.by_code.get(found.section)
                owner = f"{found.section}（{section.name}）" if section else found.section
                raise ValueProblem(
                    f"「{text}」：大类 {found.code}（{found.name}）属于门类 {owner}，不属于门类 {letter}"
                )
        elif letter:
            found = self.by_code.get(letter)
            if found is None:
                raise ValueProblem(f"「{text}」不是 GB/T 4754-2017 的门类或大类{_HINT}")
        else:
            raise ValueProblem(f"「{text}」不是 GB/T 4754-2017 的门类或大类{_HINT}")
        if name:
            names = {_key(found.name)}
            section = self.by_code.get(found.section)
            if section is not None and digits:
                names.add(_key(section.name))
            if name not in names:
                raise ValueProblem(
                    f"「{text}」：代码 {(letter or '') + (digits or '')} 是「{found.name}」，"
                    f"与所填名称「{name}」不符"
                )
        return found, warning
