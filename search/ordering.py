"""Which answer sentences come first and how they are shown: a letter's own lines for a lookup, the figure that
measures what is asked, in the place and year asked, before the others (each of which gets a note), two pieces
of one long sentence joined, a short sentence given whole and the sentence after a title or a bare difficulty."""
from __future__ import annotations

import dataclasses
import re

from ..corpus.normalize import normalize_for_index
from ..corpus.text import clauses, sentences
from .asked import Asked
from .dating import dated_as_asked
from .figures import CAUSE_OPENS, NAME_RE
from .names import SCOPE_WORD
from .things import is_title
from .units import MAX_UNIT, Unit


def joined_pieces(chosen: list[Unit], letters: dict) -> list[Unit]:
    """The answer with two pieces of one long sentence that meet (…尽量从本村(社区)较为年轻、有一定文化水平 |
    并且会使用计算机的人员中优先选择…) given as one, where the first of them was placed and with its figure and
    note (…力争全年实现富硒产业综合产值850亿元 marks 850亿元, not the 5000万元 of the piece before it)."""
    kept: list[Unit] = []
    for unit in chosen:
        other = next((k for k in kept if k.letter_id == unit.letter_id and k.sentence == unit.sentence
                      and (0 <= unit.start - k.end <= 2 or 0 <= k.start - unit.end <= 2)), None)
        if other is None:
            kept.append(unit)
            continue
        first, second = sorted((other, unit), key=lambda u: u.start)
        body = (letters.get(unit.letter_id) or {}).get("body") or ""

        def in_joined(piece: Unit) -> tuple[int, int] | None:
            return piece.span and (piece.span[0] + piece.start - first.start, piece.span[1] + piece.start - first.start)

        kept[kept.index(other)] = dataclasses.replace(other, text=body[first.start:second.end], start=first.start,
                                                      end=second.end, span=in_joined(other) or in_joined(unit))
    return kept


_OPENING = re.compile(r"收悉|如下")  # the opening that restates the proposal: 《…》(第52号提案)收悉, 协办意见函告如下


def letter_first(units: list[Unit]) -> list[Unit]:
    """For a lookup of a letter (新密 矿区供暖 政协提案 回复): the lines of the best letter that say what was
    proposed (its heading, the opening's 《…》(第132号提案)收悉), in the letter's order, then its best reply
    sentence."""
    mine = [u for u in units if u.letter_id == units[0].letter_id]
    named = sorted((u for u in mine if u.features["title"] or u.features["frame"] and _OPENING.search(u.norm)
                    and NAME_RE.search(u.norm)), key=lambda u: u.start)[:2]
    reply = next((u for u in mine if not u.features["frame"]), None)
    return (named + [reply] if reply else named) or [units[0]]


_SCOPE = re.compile(f"全国|{SCOPE_WORD.pattern}")
_LISTS_OR_NAMES = {"list", "name"}  # what a question asks that no figure measures


def matching_first(chosen: list[Unit], asked: Asked, letters: dict) -> list[Unit]:
    """The answer sentences whose figure measures what the question names (家庭养老床位, not 医疗床位) and whose
    place is the one asked (泉州, not 全省; the places ``Asked`` reads, as ``can_answer`` does) first; the others
    keep their order and get a ``note`` saying what their figure measures or where it applies, so no reader takes
    the wrong number."""
    if len(chosen) < 2:
        return chosen
    places = [name for name, _ in asked.places]
    measure_words = asked.measures
    for unit in chosen:
        letter = letters.get(unit.letter_id) or {}
        where = normalize_for_index(" ".join(str(v) for v in (unit.text, letter.get("title"), letter.get("agency"),
                                                              letter.get("region")) if v))
        unit.features["place_ok"] = float(all(p in where for p in places))
        unit.features["year_ok"] = float(not asked.years or dated_as_asked(unit, letter, asked.years))
        measure = _measure_of(unit)
        scope = _SCOPE.search(measure)
        unit.features["measure_ok"] = (sum(1 for w in measure_words if w in measure) / len(measure_words)
                                       if measure and measure_words and not _LISTS_OR_NAMES & set(asked.types)
                                       else 0.5)  # a list or a name asked (哪些人: 从乡镇事业编制人员、…中选拔39名) is no
        # figure to measure
        unit.features["verb_ok"] = float(bool(asked.verb) and asked.verb in measure)  # 最终认定…等10家
        unit.features["note"] = ("范围：" + (scope.group(0) if scope else (letter.get("region") or "另一地区"))
                                 if not unit.features["place_ok"] else _measure_label(unit))
    def fit(unit: Unit) -> tuple[float, float, float, float]:
        return tuple(unit.features[k] for k in ("place_ok", "year_ok", "measure_ok", "verb_ok"))

    ordered = sorted(chosen, key=fit, reverse=True)
    for unit in ordered:  # a note only where a figure matches less well than the answer's own
        if unit is ordered[0] or fit(unit) >= fit(ordered[0]):
            unit.features["note"] = ""
    return ordered


def _measure_of(unit: Unit) -> str:
    """The words of its clause around the answer's figure: what it counts (``家庭养老床位``, ``医疗床位``)."""
    if not unit.span:
        return ""
    for start, end in clauses(unit.text):
        if start <= unit.span[0] < end:
            return normalize_for_index(unit.text[start:unit.span[0]] + " " + unit.text[unit.span[1]:end])
    return ""


def _measure_label(unit: Unit) -> str:
    """What the figure counts, in the sentence's own words: the noun after it in its clause (``100张医疗床位``),
    else the words before it (``家庭养老床位484张``)."""
    if not unit.span:
        return ""
    for start, end in clauses(unit.text):
        if start <= unit.span[0] < end:
            after = _CONTENT_RUN.match(unit.text, unit.span[1], end)
            if after and len(after.group(0)) >= 2:
                return "指" + after.group(0)[:12]
            before = _CONTENT_RUN.findall(unit.text[start:unit.span[0]])
            return "指" + before[-1][-12:] if before else ""
    return ""


_CONTENT_RUN = re.compile(r"[\u4e00-\u9fff]+")


def with_what_follows(chosen: list[Unit], passages: list[dict], asked: Asked) -> list[Unit]:
    """``chosen`` with the sentence right after its first line in its passage (up to two pieces' length) second,
    when that line is a title (三是及时兑现地方教龄津贴。 then 按每增加一年教龄增加10元的标准发放…), or a reason asked
    is met by a line naming no cause and the next opens on one (…存在一些客观问题。 then 由于该地的地形地貌…), and
    no line holds it yet."""
    first = chosen[0]
    titled = is_title(first)
    if not (titled or "reason" in asked.types and not CAUSE_OPENS.search(first.text)):
        return chosen
    passage = passages[first.passage - 1]
    base = int(passage.get("start") or 0)
    tail = passage["text"][first.end - base:first.end - base + 2 * MAX_UNIT]
    spans = sentences(tail)
    if not spans:
        return chosen
    start, end = spans[0]
    follows = dataclasses.replace(first, text=tail[start:end], start=first.end + start, end=first.end + end, span=None,
                                  sentence=tail[start:end], features=dict(first.features))
    if not titled and not CAUSE_OPENS.match(follows.text):
        return chosen  # the next sentence gives no cause either
    if any(u.letter_id == follows.letter_id and u.start < follows.end and follows.start < u.end for u in chosen):
        return chosen
    return [first, follows, *chosen[1:]]


def whole_sentences(chosen: list[Unit]) -> list[Unit]:
    """Each piece of a sentence no longer than two pieces given as the whole sentence (its figure marked where it
    was), once: a reader gets what a clause before or after says of it."""
    whole, seen = [], set()
    for unit in chosen:
        at = unit.sentence.find(unit.text)
        if unit.text != unit.sentence and at >= 0 and len(unit.sentence) <= 2 * MAX_UNIT:
            span = unit.span and (unit.span[0] + at, unit.span[1] + at)
            unit = dataclasses.replace(unit, text=unit.sentence, start=unit.start - at,
                                       end=unit.start - at + len(unit.sentence), span=span)
        if (unit.letter_id, unit.start) not in seen:
            seen.add((unit.letter_id, unit.start))
            whole.append(unit)
    return whole
