"""The national list of divisions (``corpus.places``): each city's and county's full and short forms (张家川回族自治县,
张家川县), where a division lies (郧阳区 -> 十堰市, 湖北省), and patterns finding them in text."""
from __future__ import annotations

import functools
import re

from ..corpus.normalize import to_simplified
from ..corpus.places import divisions as _divisions, province_names, province_stem


def alternation(names) -> str:
    """A pattern matching any of ``names``, the longest first."""
    return "|".join(sorted(map(re.escape, names), key=len, reverse=True))


LEVELS = "省市州县区旗"


def place_opening(word: str) -> str | None:
    """The longest province, city or county of the national list, with its level, that opens ``word`` and is not all
    of it (北京市 of 北京市政协, 黄石市 of 黄石市人大)."""
    names = _full_names()
    return next((word[:k] for k in range(len(word) - 1, 2, -1) if word[:k] in names), None)


@functools.lru_cache(maxsize=1)
def _full_names() -> frozenset[str]:
    """The provinces, cities and counties of the national list, with their levels."""
    return frozenset(division_forms()[1].values()) | province_names()


def may_lie_in(name: str, wider: str) -> bool:
    """A name without its level, said right after another place (二七 of 郑州二七区, 新建 of 清水县新建博物馆), may be
    a division inside it: the national list knows no such division, or one of that name (凉山 of 凉山彝族自治州
    too) that lies in ``wider``."""
    chains = _chains(name)
    return not chains or any(above.startswith(wider) for chain in chains for above in chain)


def lies_in(name: str, wider: str, levels: str = "") -> bool:
    """Every division the national list knows by ``name`` (仁寿 -> 仁寿县) lies in ``wider`` (眉山), and none is of
    one of ``levels`` (恩平市 of a letter that speaks as 我市 may be its own place)."""
    chains = _chains(name)
    return bool(chains) and all(any(above.startswith(wider) for above in chain) for chain in chains) \
        and not any(full[-1] in levels for full in _fulls(name))


def another_division(name: str, region: str, text: str = "") -> bool:
    """``name`` is a division of the national list that is neither the letter's place (``region``) nor one it lies
    in nor one inside it: 宜良 of a 石林 letter that names 宜良 once, in passing (``text``: the letter's)."""
    own = to_simplified(region)
    if not _fulls(name) or own.startswith(name):
        return False
    stem = NAME_AND_LEVEL.sub(r"\1", own)
    return not any(above.startswith(name) for above in places_above(region, text)) and not may_lie_in(name, stem)


def _fulls(name: str) -> list[str]:
    """The divisions of the national list ``name`` names, with or without its level (仁寿 -> 仁寿县)."""
    return [full for full in {name + level for level in LEVELS} | set(division_forms()[2].get(name, ()))
            if full in _divisions()]


def _chains(name: str) -> list[tuple[str, ...]]:
    """The places above each division of ``name``."""
    return [chain for full in _fulls(name) for chain in _divisions()[full]]


NAME_AND_LEVEL = re.compile(r"^(\w{2,}?)(?:省|市|特别行政区|地区|盟|(?:\w{1,4}?族)*自治[区州县旗]|县|区|旗)$")


def places_above(region: str | None, text: str = "") -> tuple[str, ...]:
    """The city and province a letter's place lies in, by the national list of divisions (郧阳区 -> 十堰市, 湖北省): a
    letter of 郧阳区 answers 十堰 and 湖北 though it never names them. A name several places share (鼓楼区) counts
    only where ``text`` (the letter's) names the city or province of one of them."""
    chains = _divisions().get(to_simplified(region or "").strip(), ())
    if len(chains) > 1:
        chains = tuple(c for c in chains if any(NAME_AND_LEVEL.sub(r"\1", place) in text for place in c))
    return chains[0] if len(chains) == 1 else ()


_AUTONOMY = re.compile(r"(?:(?:维吾尔|哈萨克|柯尔克孜|乌孜别克|塔吉克|塔塔尔|鄂温克|鄂伦春|达斡尔|土家|布依|朝鲜|哈尼|傈僳|拉祜|"
                       r"纳西|景颇|仫佬|毛南|仡佬|锡伯|阿昌|普米|俄罗斯|德昂|保安|裕固|独龙|赫哲|门巴|珞巴|基诺|蒙古|东乡|撒拉|布朗|"
                       r"回|藏|苗|彝|壮|满|侗|瑶|白|傣|黎|佤|畲|高山|水|羌|土|怒|京|各)族)+(?:自治([区州县旗])|(区))$")  # 管城回族区 too


def short_form(place: str) -> str:
    """An autonomous or ethnic division as it is named short, with its level (彭水苗族土家族自治县 -> 彭水县,
    管城回族区 -> 管城区); others as they are."""
    m = _AUTONOMY.search(place)
    return place[:m.start()] + (m.group(1) or m.group(2)) if m and m.start() >= 2 else place


def people_short_form(place: str) -> str | None:
    """An autonomous county named by the first character of its name and of its first people (阜新蒙古族自治县 ->
    阜蒙县, 杜尔伯特蒙古族自治县 -> 杜蒙县), as letters and members write some of them; None for other places."""
    m = _AUTONOMY.search(place)
    return place[0] + place[m.start()] + "县" if m and m.start() >= 2 and place.endswith("自治县") else None


_COMMON_DIVISIONS = {"新城区", "老城区", "市中区", "中心区"}  # names that are also common words (城区, 矿区 too short)


@functools.lru_cache(maxsize=1)
def division_forms() -> tuple[re.Pattern, dict[str, str], dict[str, list[str]]]:
    """Every city and county of the national list written with its level, in full or short (张家川回族自治县,
    张家川县: jieba splits some, 张家|川县): a pattern finding them, each form -> its full name, and each name without
    its level -> the full names."""
    full, stems = {}, {}
    for name in _divisions():
        if len(name) <= 2 or name in _COMMON_DIVISIONS:
            continue
        short = short_form(name)
        full[name] = full[short] = name
        stems.setdefault(short[:-1], []).append(name)
    for name in dict.fromkeys(full.values()):  # each division once, in the list's order
        if (people := people_short_form(name)) and people not in full and people not in _divisions():
            full[people] = name
            stems.setdefault(people[:-1], []).append(name)
    return re.compile(alternation(full)), full, stems


@functools.lru_cache(maxsize=1)
def _forms_of() -> dict[str, tuple[str, ...]]:
    """Each city and county of the national list -> every form ``division_forms`` knows it by."""
    forms: dict[str, list[str]] = {}
    for form, name in division_forms()[1].items():
        forms.setdefault(name, []).append(form)
    return {name: tuple(found) for name, found in forms.items()}


def other_forms(name: str, level: str | None) -> tuple[str, ...]:
    """The forms of the division ``name`` with ``level`` denotes (阜新 县 -> 阜新蒙古族自治县, 阜新县, 阜蒙县)."""
    whole = division_forms()[1].get(name + level) if level else None
    return _forms_of().get(whole, ()) if whole else ()


@functools.lru_cache(maxsize=1)
def bracketed_place() -> re.Pattern:
    """A province, city or county of the national list named in brackets without its level: 中国(黄石)跨境电子商务综合试验区."""
    stems = {stem for stem in division_forms()[2] if len(stem) >= 2} | {province_stem(name) for name in province_names()}
    return re.compile(rf"[(（](?:{alternation(stems)})[)）]")


def division_stems(words) -> list[str]:
    """The ``words`` that are the name of a city or county of the national list without its level (锦州 of
    辽宁给锦州下发…: a place the question names, though jieba does not tag it as one)."""
    stems = division_forms()[2]
    return [w for w in words if w in stems]
