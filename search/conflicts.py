"""Conflicting figures: the same measure given different values by different letters among the top sentences.
Conservative on purpose — same unit, nearly the same words around the number, no differing years."""
from __future__ import annotations

import re

from ..corpus.normalize import normalize_for_index
from ..index.keyword import QUERY_STOPWORDS, tokenize
from .figures import TIME_UNITS, figures

MIN_OVERLAP = 0.6        # Jaccard of the measures' words
MIN_CONTAINMENT = 0.75   # share of the shorter measure's words found in the longer
_CLAUSE = re.compile(r"[^，,。；;：:！？!?\n]+")
_LEAD = re.compile(r"^(?:截至|截止|到|至|自|从)?\s*(?:(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:底|末|初)?)?\s*"
                   r"(?:全省|全市|全区|全县|全州|我省|我市|我区|我县|本省|本市)?(?:共有|共|有|已有|已)?")
_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")
_FILLER = frozenset("全省 全市 全区 全县 我省 我市 我区 我县 已 有 共 达 达到 为 累计 共计 截至 年底 及 以上 以下".split())


def find_conflicts(question: str, units, letters: dict[str, dict]) -> list[dict]:
    """``[{"measure", "values": [{"text", "letter_id", "date", "figure"}]}]`` among ``units`` (scored sentences)."""
    qtokens = set(tokenize(normalize_for_index(question))) - QUERY_STOPWORDS
    facts = [fact for unit in units for fact in _facts(unit)]
    conflicts, used = [], set()
    for i, a in enumerate(facts):
        group = [a]
        for b in facts[i + 1:]:
            if b["letter_id"] in {g["letter_id"] for g in group} or id(b) in used:
                continue
            if _same_measure(a, b) and b["value"] != a["value"] and _years_agree(a, b):
                group.append(b)
        if len(group) < 2 or id(a) in used or not (a["tokens"] & qtokens):
            continue
        used.update(id(g) for g in group)
        conflicts.append({"measure": a["measure"], "unit": a["unit"], "values": [
            {"text": g["clause"], "figure": g["figure"], "letter_id": g["letter_id"],
             "date": (letters.get(g["letter_id"]) or {}).get("date")} for g in group]})
    return conflicts


def _facts(unit) -> list[dict]:
    """Each figure of a sentence with the words that say what it measures."""
    out = []
    for clause in _CLAUSE.finditer(unit.text):
        text = clause.group(0).strip()
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
                        "clause": text, "measure": measure[:40], "tokens": words,
                        "years": set(_YEAR.findall(unit.text))})
    return out


def _same_measure(a: dict, b: dict) -> bool:
    if a["unit"] != b["unit"]:
        return False
    shared = len(a["tokens"] & b["tokens"])
    union = len(a["tokens"] | b["tokens"])
    smaller = min(len(a["tokens"]), len(b["tokens"]))
    return shared / union >= MIN_OVERLAP or (smaller >= 3 and shared / smaller >= MIN_CONTAINMENT)


def _years_agree(a: dict, b: dict) -> bool:
    """Figures of explicitly different years are a series, not a conflict."""
    return not (a["years"] and b["years"] and not (a["years"] & b["years"]))
