"""Where a question or a letter is: the places it names (剑阁县, 舒城 of an archive's 舒城县水利局, a town jieba
splits), read with jieba's tags and the archive's own names, and whether a figure is another place's."""
from __future__ import annotations

import collections
import functools
import itertools
import re

from ..corpus.places import (AREA_KINDS, SCOPE, SPEAKS_AS, divisions as _divisions, place_names, province_names,
                             province_stem, scopes_spoken)
from ..corpus.normalize import normalize_for_index, to_simplified
from .divisions import (LEVELS, NAME_AND_LEVEL, alternation, bracketed_place, division_forms, may_lie_in,
                        other_forms, place_opening, places_above, short_form)
from .words import posseg

_ADMIN_PLACE = re.compile(r"^(\w{2,}?)(?:省|市|州|县|区|旗|乡|镇|街道|村)$")
NOT_A_NAME = re.compile(f"^(?:{SCOPE}|[哪几])")  # 各乡镇, 全省, 我市: a scope, not a place's name; nor 哪几个县

# A ministry's own words (按照我部统一安排; not 我部门, 本部分) or a national deputy's or member's proposal it answers.
_SPEAKS_AS_MINISTRY = re.compile(r"[我本]部(?![门分队])|全国(?:人大|政协)[^。\n]{0,16}?第?\s*\d+\s*号")
# A national body (交通运输部, 国家卫生健康委员会, a ministry's 畜牧业司): its letter is of the whole country.
NATIONAL_AGENCY = re.compile(r"^(?:中华人民共和国|国家|国务院|中共中央|全国)|(?<!公)司$|部(?:网站)?$")
# Kinds of area, not names of one: never required to appear in the letter.
AREA_NOUNS = AREA_KINDS + tuple("老城区 新城区 新区 主城区 县城 城乡 农村 乡村 郊区 "
                              "行政村 自然村 贫困村 示范村 重点村 特色村 中心村 城中村".split())


def names_places(places, letter: dict, text: str, narrower: dict | None = None, levels: dict | None = None) -> bool:
    """The letter (``text``: its ``letter_text``) names every place asked: a
    name written with its level always, one without only where the letter's own place is known; a place named
    right before a narrower one (郑州 of 郑州二七区) is met by the narrower one; a county or district of the letter's
    city is met where the letter speaks as one (``_speaks_as_part``). A ministry's letter is of the whole country: it
    names the place asked or is not of it. A name asked with its level (``levels``:
    岳阳 -> 县) is not met by a letter that writes it only with another level (岳阳市: another place)."""
    narrower, levels = narrower or {}, levels or {}
    return all((name in text and not _only_other_level(name, levels.get(name), text))
               or not (with_level or letter.get("region") or _national(letter, text))
               or name in narrower and narrower[name] in text
               or any(form in text for form in other_forms(name, levels.get(name)))  # 阜新县 asked, 阜蒙县 written
               or _speaks_as_part(name, letter.get("region"), text) for name, with_level in places)


def levels_written(places: list[tuple[str, bool]], text: str) -> dict[str, str]:
    """Each place named with its level -> the level written after it (岳阳 of 岳阳县 -> 县), for ``names_places``."""
    return {name: m.group(1) for name, with_level in places
            if with_level and (m := re.search(f"{re.escape(name)}([{LEVELS}])", text))}


def _only_other_level(name: str, level: str | None, text: str) -> bool:
    """Every time ``text`` names ``name`` it is with a level other than ``level`` (岳阳市, asked 岳阳县)."""
    if not level:
        return False
    after = [text[m.end():m.end() + 1] for m in re.finditer(re.escape(name), text)]
    return all(a and a in LEVELS and a != level for a in after)


def _speaks_as_part(name: str, region: str | None, text: str) -> bool:
    """A letter known only by its city (洛阳市) that speaks as a county or district of it (我区, 全区) may be the one
    of the county or district asked (洛龙区), which its page never names; 我市 of a 黄石市 letter is the city's own,
    not 大冶市's."""
    if not region:
        return False
    region = to_simplified(region).strip()
    for place in division_forms()[2].get(name, ()):
        if place[-1] != region[-1:] and any(chain[0] == region for chain in _divisions().get(place, ())) \
                and re.search(f"[我本全]{place[-1]}(?![委政])", text):
            return True
    return False


def names_no_place(letter: dict, text: str) -> bool:
    """A letter whose place is unknown: no region, no agency (a ministry's letter is national) and no province, city
    or county of the national list named in its text (a page that kept only the reply, 县生态环境局…我县, naming at
    most its towns or a 禁养区; not one speaking as a ministry, 我部): it cannot be told to be of another place than
    the one asked."""
    return not letter.get("region") and not letter.get("agency") and not _names_a_division(text) \
        and not _national(letter, text)


def _national(letter: dict, text: str) -> bool:
    """A national body's letter: a ministry (``NATIONAL_AGENCY``) signs it, it speaks as one (我部) or it answers
    a proposal made to the national assembly (十三届全国人大四次会议第4129号建议)."""
    return bool(NATIONAL_AGENCY.search(to_simplified(letter.get("agency") or "")) or _SPEAKS_AS_MINISTRY.search(text))


def may_speak_as(name: str, level: str | None, text: str) -> bool:
    """A letter (normalised ``text``) that never names the place ``name`` asked (with its ``level`` if written) may
    be of it: it speaks as no level, or mostly as one the place may have (``_levels_of``: 全州, 我州 is no 上海's) and
    names no place of that level twice by its bare name (a 我市 letter naming 新密 is 新密市's, not 酒泉's)."""
    scopes = collections.Counter(scope[-1] for scope in scopes_spoken(text).elements())  # 自治区 is a 区
    if not scopes:
        return True
    spoken = scopes.most_common(1)[0][0]
    return spoken in _levels_of(name, level) and not _names_one_of_its_level(spoken, text)


@functools.lru_cache(maxsize=256)
def _names_one_of_its_level(level: str, text: str) -> bool:
    """``text`` names a city or county of ``level`` by its bare name (新密 of 新密市) twice or more."""
    stems = division_forms()[2]
    counts = collections.Counter(m.group() for m in _bare_stems().finditer(text))
    return any(n >= 2 and any(full.endswith(level) for full in stems[stem]) for stem, n in counts.items())


@functools.lru_cache(maxsize=1)
def _bare_stems() -> re.Pattern:
    """The names of the national list's cities and counties without their level, two characters or more."""
    return re.compile(alternation(stem for stem in division_forms()[2] if len(stem) >= 2))


def _levels_of(name: str, level: str | None) -> set[str]:
    """The levels a place asked may have: the one written with it, else those of the national list's places of that
    name (上海 -> 市; 岳阳 -> 市, 县); every level when the list knows none."""
    if level:
        return {level}
    found = {full[-1] for full in division_forms()[2].get(name, ())}
    found |= {full[-1] for full in province_names() if province_stem(full) == name}
    return found or set(LEVELS) | {"镇", "乡"}


@functools.lru_cache(maxsize=512)
def _names_a_division(text: str) -> bool:
    """Normalised ``text`` names a province (福建, 福建省), city or county (张家川县) of the national list, or lists
    two without their level (青岛、济宁)."""
    return bool(division_forms()[0].search(text) or _province_names().search(text) or _listed_stems().search(text))


@functools.lru_cache(maxsize=1)
def _listed_stems() -> re.Pattern:
    """Two cities or counties of the national list named in a row without their level (青岛、济宁, 济南和青岛)."""
    stems = _bare_stems().pattern
    return re.compile(f"(?:{stems})[、和及与](?:{stems})")


def names_province(text: str) -> bool:
    """Normalised ``text`` names a province, with its level or without (重庆、福建、广西…等地)."""
    return bool(_province_names().search(text))


@functools.lru_cache(maxsize=1)
def _province_names() -> re.Pattern:
    names = province_names() | {province_stem(name) for name in province_names()}
    return re.compile(alternation(names))


_NAME_TAGS = ("nr", "ns", "nt", "nz")  # jieba's tags of names: 舒城 (nr) may be a place, 开发 (v) of 开发区 is not
_SHORT_LEVELS = "县区旗"  # the level of a two-character place: 凤县; 郑州's 州 belongs to its name
_NOT_NAME_TAGS = ("m", "r", "a", "d", "q", "b", "f", "t")
_WORD_TAGS = ("v", "vn", "p", "c", "u", "ul", "uj", "uz", "ug", "ud", "uv")


def _national_stem(word: str, tags: dict) -> bool:
    """A word jieba takes for no verb, numeral or adjective that is a division's name without its level in the
    national list: 攀枝花 (攀枝花市), which jieba tags an idiom."""
    return not tags.get(word, "").startswith(_WORD_TAGS + _NOT_NAME_TAGS) and any(
        word + level in _divisions() for level in LEVELS)


def places_named(text: str, known: frozenset[str] = frozenset()) -> list[tuple[str, bool]]:
    """The places normalised ``text`` names, each with whether it was written with its level: ``剑阁县`` ->
    (剑阁, True) anywhere, ``凤县`` -> (凤县, True); a name without its level counts where it is the place of a
    letter of the archive (``known``: 舒城 of 舒城县水利局, which jieba takes for a person's name) and is no common
    word, or where a question begins with its place (``唐山2024年…`` -> (唐山, False)) and jieba's dictionary knows
    it as 唐山市, or it is an archive's place in the national list (周口市), so that words like 惠及 or 新建 are not
    taken for places. Kinds of area (城区, 农村) and scopes
    (全省, 各乡镇) are not names."""
    import jieba

    merged: list[str] = []
    stem_tags: list[str] = []  # the tag jieba gave each merged word's first part where it stands (对整/vn of 对整县)
    lone_name = False  # the word before was one character tagged as a place name (坪 of 坪/山区)
    after_name = False  # the word before was tagged as a place name (友谊路 of 友谊路/街道)
    for word, flag in posseg(text):  # jieba leaves some names split: 潞城 + 区, 安乐 + 乡, 坪 + 山区, 友谊路 + 街道, 凡河 + 新区
        if merged and len(word) == 1 and _ADMIN_PLACE.match(merged[-1] + word) and not _ADMIN_PLACE.match(merged[-1]) \
                or lone_name and word in AREA_NOUNS and word[-1] in LEVELS or after_name and word == "街道" \
                or word == "新区" and merged and len(merged[-1]) >= 2 and stem_tags[-1] not in _WORD_TAGS:  # 凡河 + 新区
            merged[-1] += word
        else:
            merged.append(word)
            stem_tags.append(flag)
        lone_name, after_name = len(word) == 1 and flag == "ns", flag == "ns"
    tags = jieba.posseg.dt.word_tag_tab
    found, leading = [], True
    for word, stem_tag in zip(merged, stem_tags):
        if _is_area(word, tags) or NOT_A_NAME.match(word) or len(word) < 2 \
                or stem_tag in _WORD_TAGS and tags.get(word) != "ns" and word not in _divisions():  # 对整/vn 县: a verb
            leading = False
        elif _ADMIN_PLACE.match(word) and word + "市" in _divisions():
            found.append((word, True))  # 景德镇 (景德镇市) is a city, not a town
        elif (m := _ADMIN_PLACE.match(word)) and not tags.get(m.group(1), "ns").startswith(_NOT_NAME_TAGS) \
                and (tags.get(m.group(1)) not in _WORD_TAGS or tags.get(word, "").startswith(_NAME_TAGS)
                     or word in division_forms()[1]):
            found.append((m.group(1), True))  # not 贫困村 or 几个村: a name is no numeral, pronoun or adjective;
            # a verb or particle before a level (申请不到/省财政) is none unless the dictionary or the national list
            # knows it (开封市, 牟定县, 营口市, which jieba tags a verb)
        elif word[-1] in (LEVELS if len(word) > 2 else _SHORT_LEVELS) and tags.get(word) == "ns":
            found.append((word, True))  # 凤县, 二七区; not 郑州 or 杭州, whose 州 is part of the name
        elif word in _divisions() and (m := _ADMIN_PLACE.match(word)):
            found.append((m.group(1), True))  # 个旧市, whose 个旧 jieba tags an adjective
        elif opening := place_opening(word):
            found.append((NAME_AND_LEVEL.sub(r"\1", opening), True))  # 北京市 of 北京市政协, one word to jieba
        elif word in known and (tags.get(word, "nr").startswith(_NAME_TAGS) or _national_stem(word, tags)) \
                or leading and any(tags.get(word + level) == "ns" or word in known and word + level in _divisions()
                                   for level in LEVELS) and (not found or may_lie_in(word, found[-1][0])):
            found.append((word, False))
        else:
            leading = False
    cuts = {0, *itertools.accumulate(map(len, merged))}
    taken = [(at, at + len(other)) for other, _ in found if (at := text.find(other)) >= 0]
    for name in known:  # a place of the archive that jieba cut through: 城/口中/蜂 for 城口中蜂 (starting where a word
        # does: not 山西 of 芦山西川河, nor 海南 of 东海/南海)
        at = text.find(name)
        if at in cuts and len(name) > 1 and any(at < cut < at + len(name) for cut in cuts) \
                and not any(name in other or other in name for other, _ in found) \
                and not any(start < at + len(name) and at < end for start, end in taken):
            found.append((name, False))
    for m in _TOWN.finditer(text):  # jieba splits names it does not know: 泉/港界/山镇 for 泉港界山镇
        if not any(m.group(1) in name or name in m.group(1) for name, _ in found):
            found.append((m.group(1)[1] + "镇", True))  # 章镇 of 上虞章镇 has one character of its own
    return list(dict.fromkeys(found))


def archive_places(facets: dict[str, list[str]]) -> frozenset[str]:
    """The names, without their level, of the places the archive's letters come from: the places named by their
    regions and agencies (``IndexBackend.facets``; 舒城 of 舒城县水利局), found as the letters' region is, and the
    city and province each region lies in (十堰 of 郧阳区); an autonomous county by its short name (彭水 of
    彭水苗族土家族自治县)."""
    values = facets.get("region", []) + facets.get("agency", [])
    values += [above for region in facets.get("region", []) for above in places_above(region)]
    return frozenset(m.group(1) for value in values for place in place_names(normalize_for_index(value))
                     if (m := _ADMIN_PLACE.match(short_form(place))))


SCOPE_WORD = re.compile(SPEAKS_AS.pattern)  # a scope of a level: 全市, 我县, 本镇


def of_another_place(norm: str, asked: list[str], region: str | None, text: str = "", scopes: tuple[str, ...] = (),
                     levels: dict | None = None) -> bool:
    """The clause before a figure (normalised ``norm``) speaks of its letter's whole province, city or county (全市,
    我县: the letter's ``region`` or a place above it), and that is none of the places ``asked``, which it does not
    name: 仁寿县's cold storage is not 全市冷链静态库容量约18万吨 in a 青神县 letter of 眉山市, nor 泉州's 全省192家. A
    scope the question says itself (``scopes``: 全省 of 郑州…全省排第几) is asked. In a letter of no region, a
    scope of a level the place asked cannot have (``levels``: as written with it) is another place's: 全市 of 阳新县."""
    if not asked or any(name in norm for name in asked):
        return False
    if not region:
        spoken = [m.group(1)[-1] for m in SCOPE_WORD.finditer(norm) if m.group() not in scopes]
        return bool(spoken) and all(any(level not in _levels_of(name, (levels or {}).get(name)) for level in spoken)
                                    for name in asked)
    chain = [p for p in (to_simplified(region).strip(), *places_above(region, text)) if p]
    referents = [[c for c in chain if c.endswith(m.group(1))] for m in SCOPE_WORD.finditer(norm) if m.group() not in scopes]
    referents = [places for places in referents if places]  # 我市 of a 平湖市 letter: 平湖 or 嘉兴
    return bool(referents) and not any(name in place for places in referents for place in places for name in asked)


# A place's name as the start of a body's (峄城区农业农村局), unless a verb follows it (张家川县还成立了…工作站).
_ORG_AFTER = re.compile(r"[\u4e00-\u9fff]{0,10}?(?:局|委|厅|办|政府|公司|中心|院|所|站|队|会)")
_ACTS = re.compile(r"[还也]|[^，,；;]{0,6}[成设建]立")


def names_another_place(norm: str, asked: list[str]) -> bool:
    """The words before a figure (normalised ``norm``) name, as who or where and not as a body (峄城区农业农村局), a
    county or city that is none asked and not above one: the figure is that place's (武山县's staff are not 张家川县还成立了…
    核定事业编制8名, 安岳's lemons not 潼南区柠檬种植面积23万亩), or a county of the city asked when they count no more
    than it (天水's vets are not 张家川县's 8名; a city's letter counts 全市 with its counties as examples: 全市仅华容县有1家;
    a place before 等 is an example of what is counted: 巩义市明月村等7个村)."""
    if not asked or any(name in norm for name in asked):
        return False
    pattern, full, stems = division_forms()
    divisions = _divisions()
    places = {place for name in asked for place in stems.get(name, ())}  # 岳阳: the city or the county
    mine = {chain for place in places for chain in divisions[place]}
    if not mine:
        return False  # no division of the list is asked: none can be told to be another
    for m in pattern.finditer(norm):
        if _ORG_AFTER.match(norm, m.end()) and not _ACTS.match(norm, m.end()):
            continue
        named = full[m.group()]
        if any(named in chain for chain in mine) or "等" in norm[m.end():]:
            continue  # 全省…: the place asked lies in it; 巩义市明月村等7个村: an example of what is counted
        if not any(place in chain for chain in divisions[named] for place in places) or not SCOPE_WORD.search(norm):
            return True
    return False


def qualified_by_another_place(norm: str, asked: list[str], phrases: tuple[str, ...]) -> bool:
    """A sentence (normalised) says what is asked (``phrases``: the question's runs of words, 矫正信息管理系统) only
    right after a county, city or province (up to four characters between: 社区) that is none of the places ``asked``,
    and names none of them: 2010年建成了广州市社区矫正信息管理系统 dates 广州's system, not 广东省's."""
    if not asked or any(name in norm for name in asked):
        return False
    for phrase in phrases:
        spots = [m.start() for m in re.finditer(re.escape(phrase), norm)]
        if spots and all(any(re.fullmatch(r"[\u4e00-\u9fff]{0,4}", norm[m.end():k])
                             for pattern in (division_forms()[0], bracketed_place())
                             for m in pattern.finditer(norm, max(0, k - 16), k)) for k in spots):
            return True
    return False


# A town written with its level that jieba does not know, by its last character and 镇 (山镇 of 泉港界山镇, 章镇
# of 上虞章镇: a letter naming the town holds them); 城镇, 乡镇, 集镇, 小镇, 古镇, scopes (各乡镇) and 哪个镇 are no names.
_TOWN = re.compile(r"(?<![各全本我该每这那哪])(?![哪几每各这那])([\u4e00-\u9fff][^\W\d_城乡集小古重市县区各个])镇")


def _is_area(word: str, tags: dict) -> bool:
    """A kind of area (城区), or one qualified by a common noun (住宅小区), not the name of one (潞城区)."""
    return word in AREA_NOUNS or any(
        word.endswith(area) and len(word) - len(area) >= 2 and tags.get(word[:-len(area)], "") in _COMMON_NOUN_TAGS
        for area in AREA_NOUNS)


_COMMON_NOUN_TAGS = ("n", "vn")
