"""Read a notice into proposals: pure text processing, no database, no remote service.

``read_notice(text, year=None, today=None)`` cleans the text (inline pinyin of web
converters removed, traditional characters converted with OpenCC ``t2s``) and
proposes, each with the sentence it comes from:

- milestones: a date and the share of the target due by then;
- units: the addressees of a notice and the sub-venues of a meeting;
- problems: the 三大三少 diagnoses named, as the bulletin's codes;
- tasks: each required action, with its deadline where one is stated.

The wordings are regular expressions in ``wordings.py``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from zhaoshang.notices import wordings as w


class UnreadableNotice(Exception):
    """The file cannot be read as a notice; the message says why, in Chinese."""


@dataclass
class MilestoneProposal:
    date: date
    pct: Decimal
    quote: str


@dataclass
class UnitProposal:
    name: str
    role: str  # "addressee" (主送) or "sub_venue" (分会场)
    quote: str


@dataclass
class ProblemProposal:
    code: str
    wording: str
    quote: str


@dataclass
class TaskProposal:
    content: str
    quote: str
    deadline: date | None = None


@dataclass
class NoticeReading:
    text: str
    notice_date: date | None
    year: int
    milestones: list[MilestoneProposal] = field(default_factory=list)
    units: list[UnitProposal] = field(default_factory=list)
    problems: list[ProblemProposal] = field(default_factory=list)
    tasks: list[TaskProposal] = field(default_factory=list)

    def as_json(self) -> dict:
        """The document of ``zhaoshang notice --json`` (contracts/cli.md), with extra detail."""
        codes = []
        for problem in self.problems:
            if problem.code not in codes:
                codes.append(problem.code)
        return {
            "text": self.text,
            "notice_date": self.notice_date.isoformat() if self.notice_date else None,
            "year": self.year,
            "milestones": [
                {"date": m.date.isoformat(), "pct": float(m.pct), "quote": m.quote}
                for m in self.milestones
            ],
            "problems": codes,
            "problem_details": [asdict(p) for p in self.problems],
            "units": [u.name for u in self.units],
            "unit_details": [asdict(u) for u in self.units],
            "tasks": [
                {
                    "content": t.content,
                    "quote": t.quote,
                    "deadline": t.deadline.isoformat() if t.deadline else None,
                }
                for t in self.tasks
            ],
        }


# ---------------------------------------------------------------- reading files


def read_file(path: str | Path) -> str:
    """The text of a .txt or .docx file (paragraphs and table cells, in order)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableNotice(f"无法读取文件「{path}」：{exc.strerror or exc}") from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> str:
    if data[:4] == b"PK\x03\x04" or name.lower().endswith(".docx"):
        return _docx_text(data, name)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise UnreadableNotice(
            f"「{name}」是旧版 Word（.doc）文件，请另存为 .docx 或纯文本后再导入"
        )
    return _decode(data, name)


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableNotice(
        f"「{name}」不是可识别的文本文件（应为 UTF-8 或 GBK 编码的 .txt，或 .docx）"
    )


def _docx_text(data: bytes, name: str) -> str:
    import io
    import zipfile

    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableNotice(f"「{name}」不是可读取的 Word（.docx）文件：{exc}") from None
    lines = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


# ---------------------------------------------------------------- cleaning

# Pinyin as web converters print it after a character: 據(jù), 縣(xiàn), 週(zhōu).
_PINYIN = re.compile(
    r"(?<=[\u3400-\u9fff\uf900-\ufaff])[(（]"
    r"[a-zāáǎàēéěèêīíǐìōóǒòūúǔùüǖǘǚǜńňǹḿ]{1,7}[1-5]?"
    r"[)）]"
)


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def clean_text(raw: str) -> str:
    """Simplified text without the converters' inline pinyin; line breaks kept."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    text = _PINYIN.sub("", text)
    text = _converter().convert(text)
    lines = [line.strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


# ---------------------------------------------------------------- sentences


@dataclass
class Sentence:
    text: str
    line: str  # the whole line it stands on


_SENTENCE_END = re.compile(r"(?<=[。！？!?])")


def sentences(text: str) -> list[Sentence]:
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        for part in _SENTENCE_END.split(line):
            part = part.strip()
            if part:
                out.append(Sentence(part, line))
    return out


# ---------------------------------------------------------------- numbers and dates

_CN_VALUES = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def cn_number(value: str) -> Decimal:
    """Arabic or Chinese numerals as a Decimal: 七十 → 70, 七十五 → 75, 八十点五 → 80.5."""
    value = value.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", value):
        return Decimal(value)
    whole, _, fraction = value.partition("点")
    number = 0
    if whole and all(c in _CN_VALUES for c in whole) and len(whole) > 1:
        number = int("".join(str(_CN_VALUES[c]) for c in whole))  # 二〇二六
    else:
        section = 0
        digit = 0
        for char in whole:
            if char in _CN_VALUES:
                digit = _CN_VALUES[char]
            elif char == "十":
                section += (digit or 1) * 10
                digit = 0
            elif char == "百":
                section += (digit or 1) * 100
                digit = 0
            else:
                raise ValueError(value)
        number = section + digit
    result = Decimal(number)
    if fraction:
        result += Decimal("0." + "".join(str(_CN_VALUES[c]) for c in fraction))
    return result


@dataclass
class Token:
    start: int
    end: int
    kind: str  # "date" or "pct"
    value: object


def _year_of(match: re.Match) -> int | None:
    year = match.groupdict().get("year")
    return int(cn_number(year)) if year else None


def date_tokens(sentence: str, year: int, *, roll_after: date | None = None) -> list[Token]:
    """The dates in a sentence, each with the year it is in.

    A date without a year takes ``year``; when ``roll_after`` (the notice's own
    date) is given and the day would fall more than 60 days before it, the date
    is in the next year (a December notice's 1月15日前 is next January).
    """
    tokens: list[Token] = []
    taken: list[tuple[int, int]] = []

    def free(m: re.Match) -> bool:
        return all(m.end() <= s or m.start() >= e for s, e in taken)

    def add(m: re.Match, month: int, day: int | None, explicit: int | None):
        y = explicit or year
        if not 1 <= month <= 12:
            return
        last = calendar.monthrange(y, month)[1]
        day = last if day is None else day
        if not 1 <= day <= last:
            return
        on = date(y, month, day)
        if explicit is None and roll_after is not None and (roll_after - on).days > 60:
            last = calendar.monthrange(y + 1, month)[1]
            on = date(y + 1, month, min(day, last))
        tokens.append(Token(m.start(), m.end(), "date", on))
        taken.append((m.start(), m.end()))

    for m in re.finditer(w.DAY, sentence):
        try:
            add(m, int(cn_number(m["month"])), int(cn_number(m["day"])), _year_of(m))
        except ValueError:
            continue
    for m in re.finditer(w.MONTH_END, sentence):
        if free(m):
            try:
                add(m, int(cn_number(m["month"])), None, _year_of(m))
            except ValueError:
                continue
    for m in re.finditer(w.YEAR_END, sentence):
        if free(m):
            add(m, 12, 31, None)
    return tokens


def pct_tokens(sentence: str) -> list[Token]:
    """The shares of the target named in a sentence, in per cent."""
    tokens: list[Token] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, pct: Decimal):
        if any(not (m.end() <= s or m.start() >= e) for s, e in taken):
            return
        if 0 < pct <= 1000:
            tokens.append(Token(m.start(), m.end(), "pct", pct))
            taken.append((m.start(), m.end()))

    for pattern in w.PERCENT:
        for m in re.finditer(pattern, sentence):
            try:
                value = cn_number(m.group(1))
            except (ValueError, ArithmeticError):
                continue
            # 七成 means 70 %; the other patterns are per cent already.
            add(m, value * 10 if pattern.endswith(r"成(?![效果立为绩])") else value)
    for m in re.finditer(w.FRACTION, sentence):
        try:
            denominator, numerator = cn_number(m.group(1)), cn_number(m.group(2))
        except ValueError:
            continue
        if denominator and numerator <= denominator:
            add(m, (numerator * 100 / denominator).quantize(Decimal("0.01")))
    for m in re.finditer(w.HALF, sentence):
        add(m, Decimal(50))
    for pattern in w.ALL:
        for m in re.finditer(pattern, sentence):
            add(m, Decimal(100))
            if tokens and tokens[-1].start == m.start():
                tokens[-1].kind = "all"
    return sorted(tokens, key=lambda t: t.start)


def notice_date(text: str) -> date | None:
    """The notice's own date: a full date alone on a line (the signature), else the first full date."""
    full = re.compile(w.DAY)
    alone = None
    first = None
    for line in text.split("\n"):
        for m in full.finditer(line):
            if not m["year"]:
                continue
            try:
                on = date(
                    int(cn_number(m["year"])), int(cn_number(m["month"])), int(cn_number(m["day"]))
                )
            except ValueError:
                continue
            first = first or on
            if m.group(0).strip() == line.strip():
                alone = on
    return alone or first


# ---------------------------------------------------------------- proposals


def _milestones(sentence: str, year: int, roll_after: date | None) -> list[MilestoneProposal]:
    """Pair each date with the share named after it, before the next date.

    A number (百分之七十, 80%) wins over words meaning all of it (完成全年目标任务的百分之七十).
    """
    tokens = sorted(
        date_tokens(sentence, year, roll_after=roll_after) + pct_tokens(sentence),
        key=lambda t: t.start,
    )
    found = []
    spans: list[tuple[date, list[Token]]] = []
    for token in tokens:
        if token.kind == "date":
            spans.append((token.value, []))
        elif spans:
            spans[-1][1].append(token)
    for on, shares in spans:
        if shares:
            numbers = [t for t in shares if t.kind == "pct"]
            found.append(MilestoneProposal(on, (numbers or shares)[0].value, sentence))
    return found


def _problems(sentence: str) -> list[ProblemProposal]:
    found = []
    for code, patterns in w.PROBLEMS.items():
        for pattern in patterns:
            m = re.search(pattern, sentence)
            if m:
                found.append(ProblemProposal(code, m.group(0), sentence))
                break
    return found


def _split_names(names: str) -> list[str]:
    """Split on 、，, outside brackets: 各县（市、区）、示例高新区 → two names."""
    parts, depth, current = [], 0, ""
    for char in names:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        if char in "、，," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _sub_venues(sentence: str) -> list[UnitProposal]:
    found = []
    for m in re.finditer(w.SUB_VENUE, sentence):
        before = sentence[: m.start()]
        clause = re.split(r"[，,；;。：:]", before)[-1]
        # 会议在凯里市、黎平县设分会场: the names follow the last 在.
        clause = re.split(r"(?:分别|均)?在", clause)[-1]
        clause = re.sub(r"^(?:由|请)", "", clause)
        for name in _split_names(clause):
            found.append(UnitProposal(name, "sub_venue", sentence))
    return found


def _addressees(line: str) -> list[UnitProposal]:
    m = re.match(w.ADDRESSEE_LINE, line)
    if not m:
        return []
    names = _split_names(m["names"])
    if not names or not all(re.search(w.UNIT_SUFFIX, n) for n in names):
        return []
    return [UnitProposal(n, "addressee", line) for n in names]


def _task(sentence: str, year: int, roll_after: date | None) -> TaskProposal | None:
    if not any(re.search(p, sentence) for p in w.TASK_MARKERS):
        return None
    if any(re.search(p, sentence) for p in w.NOT_TASK):
        return None
    content = sentence.rstrip("。！!；;")
    changed = True
    while changed:
        changed = False
        for pattern in w.TASK_LEAD_INS:
            stripped = re.sub(pattern, "", content).strip()
            if stripped != content:
                content, changed = stripped, True
    deadline = None
    for token in date_tokens(sentence, year, roll_after=roll_after):
        after = sentence[token.end : token.end + 3]
        if re.match(w.DEADLINE_AFTER, after) or sentence[token.start - 1 : token.start] == "于":
            deadline = token.value
    return TaskProposal(content, sentence, deadline) if content else None


def read_notice(raw: str, *, year: int | None = None, today: date | None = None) -> NoticeReading:
    """Everything the intake proposes for one notice; writes nothing."""
    text = clean_text(raw)
    own_date = notice_date(text)
    if year is not None:
        base_year, roll_after = year, None
    elif own_date is not None:
        base_year, roll_after = own_date.year, own_date
    else:
        base_year, roll_after = (today or date.today()).year, None
    reading = NoticeReading(text=text, notice_date=own_date, year=base_year)
    seen_units: set[str] = set()
    seen_lines: set[str] = set()
    for s in sentences(text):
        if s.line not in seen_lines:
            seen_lines.add(s.line)
            for unit in _addressees(s.line):
                if unit.name not in seen_units:
                    seen_units.add(unit.name)
                    reading.units.append(unit)
        for unit in _sub_venues(s.text):
            if unit.name not in seen_units:
                seen_units.add(unit.name)
                reading.units.append(unit)
        milestones = _milestones(s.text, base_year, roll_after)
        reading.milestones.extend(milestones)
        problems = _problems(s.text)
        reading.problems.extend(problems)
        if not milestones and not problems:
            task = _task(s.text, base_year, roll_after)
            if task:
                reading.tasks.append(task)
    # One milestone per day: the first wording of it wins.
    by_day: dict[date, MilestoneProposal] = {}
    for m in reading.milestones:
        by_day.setdefault(m.date, m)
    reading.milestones = sorted(by_day.values(), key=lambda m: m.date)
    return reading
