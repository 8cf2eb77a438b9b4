"""Conflicting figures: the same measure given different values by different letters among the top sentences.
Conservative on purpose: same unit, nearly the same words around the number, the clause about what was asked,
letters of the same place and of about the same time (no differing years)."""
from __future__ import annotations

import re

from ..corpus.normalize import normalize_for_index
from ..corpus.text import clauses
from ..index.backend import tokenize
from .figures import TIME_UNITS, figures

MIN_OVERLAP = 0.6        # Jaccard of the measures' words
MIN_CONTAINMENT = 0.75   # share of the shorter measure's words found in the longer
MIN_RELEVANCE = 0.5      # IDF-weighted share of the question's words found in each clause
_LEAD = re.compile(r"^(?:截至|截止|到|至|自|从)?\s*(?:(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:底|末|初)?)?\s*"
                   r"(?:全省|全市|全区|全县|全州|我省|我市|我区|我县|本省|本市)?(?:共有|共|有|已有|已)?")
_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")
_FILLER = frozenset("全省 全市 全区 全县 我省 我市 我区 我县 已 有 共 达 达到 为 累计 共计 截至 年底 及 以上 以下".split())


def find_conflicts(question_weights: dict[str, float], units, letters: dict[str, dict]) -> list[dict]:
    """``[{"measure", "unit", "values": [{"text", "figure", "letter_id", "date"}]}]`` among ``units`` (scored
    sentences); ``question_weights`` are the question's words with their IDF."""
    total = sum(question_weights.values()) or 1.0
    facts = [fact for unit in units for fact in _facts(unit)
             if sum(w for t, w in question_weights.items() if t in fact["norm"]) / total >= MIN_RELEVANCE]
    conflicts, used = [], set()
    for i, a in enumerate(facts):
        if id(a) in used:
            continue
        group = [a]
        for b in facts[i + 1:]:
            if id(b) in used or any(b["letter_id"] == g["letter_id"] or b["value"] == g["value"] for g in group):
                continue
            if _same_measure(a, b) and _comparable(a, b, letters):
                group.append(b)
        if len(group) < 2:
            continue
        used.update(id(g) for g in group)
        conflicts.append({"measure": a["measure"], "unit": a["unit"], "values": [
            {"text": g["clause"], "figure": g["figure"], "letter_id": g["letter_id"],
             "date": (letters.get(g["letter_id"]) or {}).get("date")} for g in group]})
    return conflicts


def _facts(unit) -> list[dict]:
    """Each figure of a sentence with the words that say what it measures."""
    out = []
    for start, end in clauses(unit.text):
        text = unit.text[start:end].rstrip("，,：:")
        for fig in figures(text):
            if fig.unit in TIME_UNITS or fig.value is None or fig.unit == "岁":
                continue
            before = _LEAD.sub("", text[:fig.start]).strip()
            after = text[fig.end:].strip()
            words = set(tokenize(normalize_for_index(re.sub(r"\d+(?:\.\d+)?", " ", before + " " + after))))
            words -= _FILLER
            if len(words) < 2:
                continue
            measure = before if len(re.findall(r"[\u4e00-\u9fff]", before)) >= 4 else f"{before}…{after}".strip("…")
            out.append({"letter_id": unit.letter_id, "unit": fig.unit, "value": fig.value, "figure": fig.text,
                        "clause": text, "measure": measure[:40], "tokens": words, "norm": normalize_for_index(text),
                        "years": set(_YEAR.findall(unit.text))})
    return out


def _same_measure(a: dict, b: dict) -> bool:
    if a["unit"] != b["unit"]:
        return False
    shared = len(a["tokens"] & b["tokens"])
    union = len(a["tokens"] | b["tokens"])
    smaller = min(len(a["tokens"]), len(b["tokens"]))
    return shared / union >= MIN_OVERLAP or (smaller >= 3 and shared / smaller >= MIN_CONTAINMENT)


def _comparable(a: dict, b: dict, letters: dict[str, dict]) -> bool:
    """Letters of one place (both known), dated within a year of each other, not naming different years."""
    la, lb = letters.get(a["letter_id"]) or {}, letters.get(b["letter_id"]) or {}
    place_a, place_b = (normalize_for_index(x.get("region") or "") for x in (la, lb))
    if not place_a or place_a != place_b:
        return False
    year_a, year_b = ((x.get("date") or "")[:4] for x in (la, lb))
    if year_a.isdigit() and year_b.isdigit() and abs(int(year_a) - int(year_b)) > 1:
        return False
    return not (a["years"] and b["years"] and not (a["years"] & b["years"]))
