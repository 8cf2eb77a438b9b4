"""Whose a figure is: the scope its clause says (全市, 我县, a place) and the place of the letter that gives it."""
from __future__ import annotations

import re

from ..corpus.normalize import normalize_for_index
from ..corpus.places import scopes_spoken
from .divisions import LEVELS, lies_in, places_above
from .names import SCOPE_WORD, of_another_place
from .things import lead_in
from .units import Unit


def figure_of_another_place(unit: Unit, letter: dict, text: str, places: list[str], scopes: tuple[str, ...],
                            levels: dict) -> bool:
    """The figure of the sentence (``unit.span``) is not of the ``places`` a number question asks: the scope of its
    clause is another's (全市…约18万吨 of a letter of 眉山市 for 仁寿县), or no place asked is named near it and the
    letter is of a place below every one asked (共确定…375人 of 龙陵县 for 保山市) or above them (新增库容14530吨 of
    眉山市 for 仁寿县, which it names elsewhere). ``text``: the letter's normalised text."""
    scope = _scope_clause(unit.text[:unit.span[0]], places)
    if of_another_place(scope, places, letter.get("region"), text, scopes, levels):
        return True
    if SCOPE_WORD.search(scope):
        return False
    near = lead_in(unit, letter) + unit.norm + normalize_for_index(unit.section)
    if any(p in near for p in places):
        return False  # 辽宁要求…达到多少 is 《辽宁省…方案》要求，…达到30万人 of a 兴隆台区 letter: it names 辽宁
    region = normalize_for_index(letter.get("region") or "")
    return _only_above(places, region, letter, text) or _only_below(places, region, letter, text)


CLAUSE_BREAK = re.compile(r"[，,；;：:。！!？?]")


def _scope_clause(before: str, places: list[str]) -> str:
    """The clause whose scope a figure has, normalised: its own, or where that says no scope (全市) and no place
    asked, the nearest clause before it in its sentence that does (总产量达 of 2014年全省芒果收获面积60.19万亩,
    总产量达45.25万吨 is the province's), within its item of a list (after ；)."""
    clauses = [normalize_for_index(c) for c in CLAUSE_BREAK.split(re.split("[；;]", before)[-1])]
    for clause in reversed(clauses):
        if SCOPE_WORD.search(clause) or any(p in clause for p in places):
            return clause
    return clauses[-1]


def _only_above(asked: list[str], region: str, letter: dict, text: str) -> bool:
    """Every place asked lies above the region of a letter whose agency names that region (保山 of 龙陵县应急管理局's
    letter; not of a letter read as 叶县's or 平湖市's from the places its body names, which may be its city's): a figure
    it gives with no scope is its own place's, not theirs. ``region``: the letter's, normalised."""
    above = places_above(region, text) if region else ()
    return bool(asked and above) and region[:-1] in normalize_for_index(letter.get("agency") or "") \
        and all(name not in region and any(name in place for place in above) for name in asked)


def _only_below(asked: list[str], region: str, letter: dict, text: str) -> bool:
    """Every place asked lies inside the letter's region (仁寿县 of a letter of 眉山市) at a level the letter does not
    speak as (恩平市 may be the 我市 of a letter read as 江门市's), and neither its title nor its agency names one
    (关于新建秦安县博物馆的建议 is about 秦安县, 吕梁市生态环境局交城分局 speaks for 交城): a figure it gives with no
    place named near it is its region's."""
    stem = region[:-1] if region[-1:] in LEVELS else region
    own = normalize_for_index(f"{letter.get('title') or ''} {letter.get('agency') or ''}")
    if not (asked and stem) or any(name in region or name in own for name in asked):
        return False
    spoken = "".join(scopes_spoken(text))  # the levels it speaks as, read only when a place asked may lie below
    return all(lies_in(name, stem, spoken) for name in asked)
