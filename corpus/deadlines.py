"""Deadlines and figures of a promise sentence: the latest date it names with a deadline word (2025年底 ->
2025-12-31, 7月底前, 今年7月, 第三季度, 三年内, dated from the letter; calendar-checked, and a date before the
letter is history, not a deadline) and its numbers with units (3处, 500万元), with offsets in the letter body."""
from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from .normalize import to_simplified
from .text import CN_NUMERAL_CHARS, FIGURE, TIME_UNITS, blank_pinyin, parse_number, valid_date

# --- deadlines --------------------------------------------------------------------------------------------
_Y = r"(?P<y>(?:19|20)\d{2}|二[〇零○]\d{0}[〇零○一二三四五六七八九]{2})"
DEADLINE = re.compile(
    rf"{_Y}\s*年\s*(?:(?P<m>\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月\s*(?:(?P<d>\d{{1,2}})\s*日)?)?"
    r"(?P<part>上半年|下半年|第?[一二三四1-4]季度|年?底|年末|末|初|内|前|以前|之前|中旬|上旬|下旬)?"
    r"|(?P<rel2>今年|明年|本年)\s*(?P<m3>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?:(?P<d3>\d{1,2})\s*日)?"
    r"(?P<part3>底|末|初|中旬|上旬|下旬|前|以前|之前)?"
    r"|(?P<rel>今年|明年|本年|年)(?P<rpart>底|年底|内|上半年|下半年|第?[一二三四1-4]季度)"
    r"|(?<![\d年])(?P<m2>\d{1,2}|[一二三四五六七八九十]{1,3})\s*月\s*(?:(?P<d2>\d{1,2})\s*日)?(?P<part2>底|末|初|中旬|上旬|下旬|前|以前|之前)"
    r"|(?P<q>第?[一二三四1-4]季度)(?P<qpart>末|前|内)?"
    r"|(?P<n>[一二三四五六七八九十两\d]{1,2})\s*年内")
# The words that make a date a deadline rather than a date in the past ("2023年9月申报了…").
DEADLINE_WORDS = re.compile(r"前|底|末|内|到|至|于|从|自|起|力争|计划|预计|拟|将|完成|建成|开工|开通|实施|投入使用")

# --- figures ----------------------------------------------------------------------------------------------
TIME_AFTER_NUMBER = re.compile(r"\s*(?:年|月|日|季度)")


@dataclass
class Deadline:
    """When a promise is due: the words, and the last day they allow (``YYYY-MM-DD``), or a year only."""

    text: str
    start: int
    end: int
    due: str  # the last calendar day of the period named (2025年底 -> 2025-12-31)
    year: int


def scan_form(text: str) -> str:
    """What the rules read: pinyin annotations blanked and traditional script simplified, offsets unchanged."""
    return to_simplified(blank_pinyin(text))



def date_after(due: str, written: datetime.date) -> bool:
    return due > written.isoformat()


_DAY = re.compile(r"((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})[日号]")


def names_day_before(text: str, written: datetime.date | None) -> bool:
    """``text`` names a calendar day before the letter was written (2022年10月21日召开…: a report)."""
    return written is not None and any(valid_date(*map(int, m.groups())) and datetime.date(*map(int, m.groups())) < written
                                       for m in _DAY.finditer(text))


def letter_day(date: str | None) -> datetime.date | None:
    if not date:
        return None
    m = re.match(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", date)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    return datetime.date(y, mo, d) if valid_date(y, mo, d) else None


def _num(raw: str | None) -> int | None:
    if not raw:
        return None
    value = parse_number(raw)
    return int(value) if value is not None and value == int(value) else None


def _year(raw: str) -> int | None:
    if raw.isdigit():
        return int(raw)
    digits = raw.translate(str.maketrans("〇零○一二三四五六七八九", "00012345678" + "9"))
    return int(digits) if digits.isdigit() and len(digits) == 4 else None


def _quarter(raw: str) -> int:
    return "一二三四".index(raw[-3]) + 1 if raw[-3] in "一二三四" else int(raw[-3])


def _end_of(year: int, month: int | None, day: int | None, part: str | None) -> datetime.date | None:
    """The last day the words allow: 2025年 -> 12-31, 2025年7月 -> 07-31, 2025年上半年 -> 06-30."""
    part = part or ""
    if "上半年" in part:
        month, day = 6, None
    elif "季度" in part:
        month, day = 3 * _quarter(part), None
    if not valid_date(year, month, day):
        return None
    if day:
        return datetime.date(year, month, day)
    if month:
        if part in ("初", "上旬"):
            return datetime.date(year, month, 10)
        if part == "中旬":
            return datetime.date(year, month, 20)
        return datetime.date(year, month, calendar.monthrange(year, month)[1])
    if part in ("初",):
        return datetime.date(year, 3, 31)
    return datetime.date(year, 12, 31)


def find_deadline(body: str, start: int, end: int, written: datetime.date | None = None) -> Deadline | None:
    """The deadline a sentence gives: the latest date it names with a deadline word before or after it
    (到2025年底, 7月底前, 预计第三季度, 三年内), not before the letter's own date; None when it names none."""
    text = scan_form(body[start:end])
    best = None
    for m in DEADLINE.finditer(text):
        due = _due(m, written)
        if due is None:
            continue
        before, after = text[max(0, m.start() - 6):m.start()], text[m.end():m.end() + 8]
        explicit = bool(m.group("part") or m.group("part2") or m.group("rpart") or m.group("n") or m.group("q")
                        or m.group("rel2"))
        if not explicit and not DEADLINE_WORDS.search(before + after):
            continue
        if written and due < written:
            continue  # a date before the letter is history, not a deadline
        rank = (explicit, due)  # 10月底前 over a bare 2024年 in the same sentence, then the latest
        if best is None or rank > best[0]:
            best = (rank, m)
    if best is None:
        return None
    (_, due), m = best
    return Deadline(text=m.group(0).strip(), start=start + m.start(), end=start + m.end(), due=due.isoformat(),
                    year=due.year)


def _due(m: re.Match, written: datetime.date | None) -> datetime.date | None:
    base = written.year if written else None
    if m.group("y"):
        year = _year(m.group("y"))
        return _end_of(year, _num(m.group("m")), _num(m.group("d")), m.group("part")) if year else None
    if m.group("rel2"):
        if base is None:
            return None
        year = base + (1 if m.group("rel2") == "明年" else 0)
        return _end_of(year, _num(m.group("m3")), _num(m.group("d3")), m.group("part3"))
    if m.group("rel"):
        if base is None:
            return None
        year = base + (1 if m.group("rel") == "明年" else 0)
        part = m.group("rpart")
        return _end_of(year, None, None, part if ("季度" in part or "半年" in part) else None)
    if m.group("m2"):
        if base is None:
            return None
        month, day = _num(m.group("m2")), _num(m.group("d2"))
        if month is None or not 1 <= month <= 12:
            return None
        year = base + (1 if written and month < written.month else 0)
        return _end_of(year, month, day, m.group("part2"))
    if m.group("q"):
        if base is None:
            return None
        return _end_of(base, None, None, m.group("q"))
    if m.group("n"):
        years = _num(m.group("n"))
        if base is None or not years or years > 10:
            return None
        return datetime.date(base + years, written.month, min(written.day, 28))
    return None


def find_figures(body: str, start: int, end: int) -> list[dict]:
    """Numbers with units in ``body[start:end]`` (3处, 500万元, 20个班), not dates: ``[{"text", "start", "end",
    "value", "unit"}]`` with body offsets; ``value`` in the unit written (500万元 is 500 of 万元)."""
    text = scan_form(body[start:end])
    out = []
    for m in FIGURE.finditer(text):
        num = m.group("num")
        if m.group("unit") in TIME_UNITS or TIME_AFTER_NUMBER.match(text, m.start("unit")):
            continue
        if all(ch in CN_NUMERAL_CHARS for ch in num) and len(num) == 1 and m.group("unit") in ("是", "次"):
            continue
        if (num == "一" and m.group("unit") in ("批", "个", "次", "项", "位")) or text.startswith("一体", m.end()):
            continue  # 一批 / 四位一体: no figure
        value = parse_number(num)
        if value is None:
            continue
        unit = (m.group("mag") or "") + m.group("unit")
        out.append({"text": m.group(0), "start": start + m.start(), "end": start + m.end(), "value": value,
                    "unit": unit})
    return out
