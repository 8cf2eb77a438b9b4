"""``dafu eval``: hit@1, hit@5 and MRR@10 of a JSONL question set, as DESIGN.md defines them."""
from __future__ import annotations

import json
from pathlib import Path

from ..corpus.normalize import normalize_for_match


def load_questions(path: str | Path) -> list[dict]:
    """Questions ``{"q": str, "gold": [[letter id prefix, span], ...]}``, one per non-empty line."""
    questions = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                questions.append({"q": str(row["q"]), "gold": [(str(a), str(b)) for a, b in row.get("gold", [])]})
            except (ValueError, KeyError, TypeError) as err:
                raise ValueError(f"{path}:{number}: 不是有效的问题行 / not a question line ({err})") from err
    return questions


def is_hit(letter_id: str, text: str, gold: list[tuple[str, str]]) -> bool:
    """Some gold pair whose letter id prefixes ``letter_id`` and whose span is in ``text`` (normalised)."""
    folded_id = normalize_for_match(letter_id)
    folded_text = normalize_for_match(text)
    return any(folded_id.startswith(normalize_for_match(lid)) and normalize_for_match(span) in folded_text
               for lid, span in gold)


def first_hit_rank(results: list[dict], gold: list[tuple[str, str]]) -> int | None:
    """The rank of the first hit among ``results``, or None."""
    return next((r["rank"] for r in results if is_hit(r["letter_id"], r["text"], gold)), None)


def retrieval_metrics(ranks: list[int | None]) -> dict:
    """hit@1, hit@5 and MRR@10 from the rank of each question's first hit."""
    n = len(ranks)
    if n == 0:
        return {"hit@1": 0.0, "hit@5": 0.0, "mrr@10": 0.0, "n": 0}
    return {"hit@1": sum(1 for r in ranks if r == 1) / n,
            "hit@5": sum(1 for r in ranks if r is not None and r <= 5) / n,
            "mrr@10": sum(1 / r for r in ranks if r is not None and r <= 10) / n,
            "n": n}


def evaluate_retrieval(searcher, questions: list[dict], top_k: int = 10, mode: str = "hybrid") -> dict:
    """Metrics over the answerable questions (those with gold) plus the questions whose first hit is not at rank 1."""
    questions = [q for q in questions if q["gold"]]
    ranks = [first_hit_rank(searcher.search(q["q"], top_k=top_k, mode=mode), q["gold"]) for q in questions]
    return {**retrieval_metrics(ranks), "mode": mode,
            "misses": [q["q"] for q, r in zip(questions, ranks) if r != 1]}
