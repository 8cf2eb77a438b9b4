"""Figures that do not give the whole of what is asked: a bound at the other end from the one asked (路面有效宽度
不少于3.5米 says how narrow a road may not be, not how wide it is at most), a sum per thing (30000元/公里) for a sum
asked as a whole (需要多少资金), and what a figure per thing looks like (每亩, 元/亩, 亩均)."""
from __future__ import annotations

import functools
import re

from ..corpus.text import TIME_UNITS
from .figures import figures

_ASKS = {"max": re.compile(r"最(?:多|高|大|宽|长|远|深|厚|重)|上限|封顶"),
         "min": re.compile(r"最(?:少|低|小|窄|短|浅|薄|轻)|下限|起码")}
# A figure bounded from below (不少于3.5米, 3.5米以上) or from above (不超过50人, 50人以内).
_BOUNDED = {"min": (re.compile(r"(?:不少于|不低于|不小于|不短于|不窄于|至少|最少|最低|起码)\s*$"), re.compile(r"\s*(?:以上|及以上)")),
            "max": (re.compile(r"(?:不超过|不高于|不大于|不多于|不长于|最多|最高|最大|至多|上限为?)\s*$"),
                    re.compile(r"\s*(?:以内|以下|及以下)"))}
_OTHER = {"max": "min", "min": "max"}


def bound_asked(qnorm: str) -> str | None:
    """The end of a measure normalised ``qnorm`` asks: "max" for the most (最宽到多少米), "min" for the least, else
    None."""
    found = [end for end, pattern in _ASKS.items() if pattern.search(qnorm)]
    return found[0] if len(found) == 1 else None


def bounds_other_end(norm: str, asked: str, units: frozenset[str] = frozenset()) -> bool:
    """Every figure of normalised ``norm`` (in one of ``units``, when the question names them) is a bound at the
    end not ``asked``: 最宽到多少米 is not 不少于3.5米."""
    before, after = _BOUNDED[_OTHER[asked]]
    found = [f for f in figures(norm) if not units or f.unit in units]
    return bool(found) and all(before.search(norm[max(0, f.start - 6):f.start]) or after.match(norm, f.end)
                               for f in found)


_NO_TIME = rf"(?!(?:{'|'.join(TIME_UNITS)}))"  # a thing, not a span of time
_PER_THING = re.compile(rf"\s*/\s*{_NO_TIME}[\u4e00-\u9fff]")  # 元/公里, not 元/年
_EACH_THING = re.compile(rf"每\s*{_NO_TIME}[\u4e00-\u9fff]{{1,4}}[^，,；;。\d]{{0,6}}$")  # 每户补助, not 每年投入


def per_thing_only(norm: str, units: frozenset[str]) -> bool:
    """Every figure of normalised ``norm`` in one of ``units`` is a sum per thing (30000元/公里, 每户补助2000元), not
    per span of time (每年投入500万元 is a sum spent)."""
    found = [f for f in figures(norm) if f.unit in units]
    return bool(found) and all(_PER_THING.match(norm, f.end) or _EACH_THING.search(norm[max(0, f.start - 14):f.start])
                               for f in found)


_SAME_PER = {"人": "人名位", "名": "人名位", "位": "人名位", "天": "天日", "日": "天日"}  # 每人: 每名教师; 每天: 日均


@functools.lru_cache(maxsize=64)
def per(what: str) -> re.Pattern:
    """A figure per ``what`` (亩): 每亩, 每个村庄, 元/亩, 亩均, 按人平100元, 平均日客流, 单车日均."""
    d = f"[{_SAME_PER.get(what, what)}]"
    return re.compile(rf"每\s*[个一]?\s*{d}|/\s*{d}|{d}[均平]|均{d}|单{d}")
