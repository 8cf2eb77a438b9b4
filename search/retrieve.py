"""Dense (FAISS), keyword (BM25) and hybrid retrieval over one loaded index generation."""
from __future__ import annotations

import functools
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..corpus.chunk import reply_span
from ..corpus.normalize import normalize_for_index
from ..corpus.promises import NEXT_HEADING
from ..corpus.text import sentences
from ..index.backend import Filter, IndexBackend, query_tokens
from .asked import letter_text
from .words import says_number
from .fields import (REPLYING_BODY, asked_field, preferred_form, asks_frame, asks_letter, asks_own_doc_number,
                     codes_asked, holds_own_doc_number)
from .counted import counted_things
from .figures import asks_plan, expected_units, question_types, type_evidence
from .members import archive_members, members_named
from .names import archive_places, levels_written, names_places, places_named

MODES = ("hybrid", "dense", "keyword")
_CONTENT = re.compile(r"[\u4e00-\u9fff0-9]")
_BESIDE = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="dafu-keyword")  # a hybrid query's BM25 side
# From this many passages BM25 keeps a core busy for milliseconds (15 ms at 1M, 0.2 ms on the seed index): the
# question is then embedded on one core beside it (1M hybrid p95 55-82 ms on all cores, ~30 ms on one)
KEYWORD_BUSY_MIN = 100_000
LETTER_TEXTS = 4096  # letters whose normalised text is kept for place checks and answers (about 12 MB)
SENTENCE_LEADERS = 10  # leaders whose best sentence is weighed (the same figures as all 30, at a third of the cost)


@dataclass(frozen=True)
class Fusion:
    """How hybrid mode mixes the two rankings: each side's scores are standardised over the pooled
    candidates (z-scores), then mixed as ``w * dense + (1 - w) * keyword``. With ``dense_weight`` None (the
    default) ``w`` is set per query by how far each side's best candidate stands out of the pool (its top
    z-score): the side that is sure of its leader leads. A fixed weight fitted on one question set moved
    between sets (0.4 on dev_real, 0.7 on the topics fit split) while this needs no fitting and matches the
    best fixed weight on every set (``benchmarks/fit_fusion.py``). When the question asks for a figure, a date,
    an organisation or a name, passages holding one of that kind (with the unit the question names) gain
    ``answer_type_weight`` (0–1 evidence, in z-score units). The first ``SENTENCE_LEADERS`` also gain
    ``sentence_weight`` times how much of the question (IDF-weighted words) their best sentence holds: a passage
    that answers says it in one sentence, while an opening or a summary spreads the question's words over many;
    the places the question names are left out (they identify a letter). Fitted on the topics fit split (best at
    2.5, hit@1 0.929 -> 0.950); the held-back split is best at 2.5-5.0 too (0.938 -> 0.951)."""

    dense_weight: float | None = None
    answer_type_weight: float = 2.0
    sentence_weight: float = 2.5
    pool: int = 100
    rerank: int = 30
    answer_first: bool = True


class HybridRetriever:
    """Scores passages of one index for a query; ``where`` (a metadata ``Filter``) filters."""

    def __init__(self, index: IndexBackend, encoder, fusion: Fusion = Fusion()):
        self.index = index
        self.encoder = encoder
        self.fusion = fusion
        self._reply_spans: dict[str, tuple[int, int]] = {}
        self._texts: dict[str, tuple[dict, str]] = {}

    @functools.cached_property
    def known_places(self) -> frozenset[str]:
        """The places the index's letters come from, read as places wherever a question names them (舒城)."""
        return archive_places(self.index.facets())

    @functools.cached_property
    def known_members(self) -> frozenset[str]:
        """The names of the members the index's letters answer (杨天成 of 杨天成委员)."""
        return archive_members(letter.get("addressee") for letter in self.index.letters(("addressee",)))

    def retrieve(self, query: str, top_k: int = 10, mode: str = "hybrid",
                 where: Filter | None = None) -> list[tuple[int, float]]:
        """``(passage row, score)`` pairs, best first."""
        if mode not in MODES:
            raise ValueError(f"未知检索方式 / unknown mode {mode!r}: use one of {', '.join(MODES)}")
        size = self.index.chunk_count()
        if size == 0 or (where is not None and not len(self.index.filter_rows(where))):
            return []
        text = normalize_for_index(query)
        tokens = query_tokens(text)
        pool = max(self.fusion.pool, top_k)
        if mode == "keyword":
            return self.index.keyword_search(tokens, top_k, where).top
        keyword_hits = _BESIDE.submit(self.index.keyword_search, tokens, pool, where) \
            if mode == "hybrid" else None  # on another core while the query is embedded
        qvec = self.encoder.encode_queries([text], all_cores=keyword_hits is None or size < KEYWORD_BUSY_MIN)[0]
        dense_rows = self.index.dense_search(qvec, pool, where)
        if keyword_hits is None:
            return [(r, float(s)) for r, s in dense_rows[:top_k]]
        keyword_hits = keyword_hits.result()
        rows = np.array(sorted({r for r, _ in dense_rows} | {r for r, _ in keyword_hits.top}), dtype=np.int64)
        dense = self.index.vectors(rows) @ qvec
        keyword = keyword_hits.scores_of(rows)
        dense_z, keyword_z = _standardise(dense), _standardise(keyword)
        w = self.fusion.dense_weight
        if w is None:
            sure_dense, sure_keyword = max(dense_z.max(), 1e-6), max(keyword_z.max(), 1e-6)
            w = sure_dense / (sure_dense + sure_keyword)
        fused = w * dense_z + (1 - w) * keyword_z
        leaders = np.argsort(-fused, kind="stable")[:self.fusion.rerank]  # only these can still change places
        chunks = [self.index.chunk(r) for r in rows[leaders]]
        letter_ids = [c.letter_id for c in chunks]
        field = asked_field(text)  # 文号, 联系人, 经商…: what a letter's frame says, asked by name
        places = places_named(text, self.known_places)
        if field is not None:  # the letters naming the place and member asked first; within each letter, the
            # passages holding the field first (its preferred form first: the last pass decides)
            self._named_first(text, places, fused, leaders, letter_ids)
            texts = [normalize_for_index(c.text) for c in chunks]
            for form in filter(None, (field, preferred_form(field, text))):
                _behind_others(fused, leaders, letter_ids, [not form.search(t) for t in texts])
            if asks_own_doc_number(text):  # the reply's own 文号 before those it cites
                owns = [self._place_and_text(lid)[0].get("doc_number") for lid in letter_ids]
                _behind_others(fused, leaders, letter_ids,
                               [not (own and holds_own_doc_number(t, own)) for own, t in zip(owns, texts)])
            rows, fused = self._field_passages(text, field, rows, fused, top_k)
            return self._top(fused, rows, top_k)
        replies = [self._reply_of(c) for c in chunks]
        if self.fusion.answer_type_weight:
            fused[leaders] += self.fusion.answer_type_weight * self._answer_type_evidence(query, replies)
        if self.fusion.sentence_weight:  # the first page of results, read sentence by sentence
            best = self._best_sentence_coverage(places, tokens, replies[:SENTENCE_LEADERS])
            fused[leaders[:SENTENCE_LEADERS]] += self.fusion.sentence_weight * best
        if asks_frame(query) or asks_letter(query):  # 哪次会议提的, 哪个部门答复的, 某地 某事 提案 答复: within
            # each letter, the passages holding its frame (heading, opening: what was proposed) first
            _behind_others(fused, leaders, letter_ids, [reply == c.text for reply, c in zip(replies, chunks)])
        elif self.fusion.answer_first:  # a passage that is all frame answers nothing
            _behind_others(fused, leaders, letter_ids, [not _CONTENT.search(reply) for reply in replies])
        self._named_first(text, places, fused, leaders, letter_ids)
        if asks_plan(query):  # 下一步打算: within each letter, its next-steps section (下一步工作, 今后打算) first
            _behind_others(fused, leaders, letter_ids,
                           [not NEXT_HEADING.search(normalize_for_index(c.section or "")) for c in chunks])
        return self._top(fused, rows, top_k)

    def _named_first(self, text: str, places: list[tuple[str, bool]], fused: np.ndarray, leaders: np.ndarray,
                     letter_ids: list[str]) -> None:
        """The letters that name the place asked (番禺 宅基地建房), then those that name the member asked (晏胤人代表提出的…,
        平江县民政局答复朱光武代表的文号), then those that say the code asked (第149号), before those that do not."""
        if places:
            levels = levels_written(places, text)  # 阜新县 asked: met by 阜蒙县, not by 阜新市
            _behind_others(fused, leaders, [""] * len(leaders),
                           [not self._names_places(lid, places, levels) for lid in letter_ids])
        members = members_named(text, self.known_members)
        if members:
            _behind_others(fused, leaders, [""] * len(leaders),
                           [any(name not in self.letter_text(lid) for name in members) for lid in letter_ids])
        codes = codes_asked(text)
        if codes:  # 马关县149号建议: the letters that say 149 (what an answer must hold, search.asked)
            _behind_others(fused, leaders, [""] * len(leaders),
                           [not all(map(says_number(self.letter_text(lid)), codes)) for lid in letter_ids])

    def _field_passages(self, question: str, field, rows: np.ndarray, fused: np.ndarray,
                        top_k: int) -> tuple[np.ndarray, np.ndarray]:
        """For a frame field asked by name (答复日期, 文号, 会办单位): when the first ``top_k`` results show no passage
        of the best letter holding it, that letter's passage that does comes right after its best one, however
        far down the ranking it was (a signature date at the end of a long letter shares no word with it; the
        replying body is the one its metadata reads, not the page's 来源: line). Other letters are left as ranked:
        their fields would push the best letter's other passages out."""
        own_number = asks_own_doc_number(question)
        preferred = preferred_form(field, normalize_for_index(question)) or field

        def holds(letter_id: str, norm: str) -> bool:
            if own_number:
                own = self._place_and_text(letter_id)[0].get("doc_number")
                return bool(own and holds_own_doc_number(norm, own))
            if field is REPLYING_BODY and (agency := self._place_and_text(letter_id)[0].get("agency")):
                return normalize_for_index(agency) in norm
            return bool(preferred.search(norm))

        order = np.argsort(-fused, kind="stable")[:top_k]
        if not len(order):
            return rows, fused
        best = self.index.chunk(int(rows[order[0]])).letter_id
        if any(holds(best, normalize_for_index(chunk.text)) for chunk in self.index.chunks(rows[order])
               if chunk.letter_id == best):
            return rows, fused
        found = next((r for r in self.index.rows_of_letter(best)
                      if holds(best, normalize_for_index(self.index.chunk(r).text))), None)
        if found is None:
            return rows, fused
        score = fused[order[0]] - 1e-6
        at = np.flatnonzero(rows == found)
        if len(at):
            fused[at[0]] = score
            return rows, fused
        return np.append(rows, np.array([found], dtype=rows.dtype)), np.append(fused, score)

    @staticmethod
    def _top(fused: np.ndarray, rows: np.ndarray, top_k: int) -> list[tuple[int, float]]:
        order = np.argsort(-fused, kind="stable")[:top_k]
        return [(int(rows[i]), float(fused[i])) for i in order]

    def reply_span(self, letter_id: str) -> tuple[int, int]:
        """Where a letter's reply begins and ends in its body, without header, opening and closing (cached)."""
        span = self._reply_spans.get(letter_id)
        if span is None:
            letter = self.index.letter(letter_id) or {}
            span = self._reply_spans[letter_id] = reply_span(letter.get("body") or "")
        return span

    def letter_text(self, letter_id: str) -> str:
        """A letter's normalised text (``search.asked.letter_text``), cached."""
        return self._place_and_text(letter_id)[1]

    def _names_places(self, letter_id: str, places: list[tuple[str, bool]], levels: dict[str, str]) -> bool:
        """The letter names every place asked (``levels``: as written with it), as ``search.asked`` requires of an
        answer."""
        letter, text = self._place_and_text(letter_id)
        return names_places(places, letter, text, levels=levels)

    def _place_and_text(self, letter_id: str) -> tuple[dict, str]:
        """A letter's place fields, its 文号 and its normalised text, cached."""
        found = self._texts.get(letter_id)
        if found is None:
            letter = self.index.letter(letter_id) or {}
            if len(self._texts) >= LETTER_TEXTS:
                self._texts.clear()
            found = self._texts[letter_id] = ({k: letter.get(k) for k in ("region", "agency", "doc_number")},
                                                 letter_text(letter))
        return found

    def _reply_of(self, chunk) -> str:
        """The part of a passage that can answer: without its letter's header block, opening paragraph and
        closing block (thanks, signature, contacts)."""
        start, end = self.reply_span(chunk.letter_id)
        return chunk.text[max(0, start - chunk.start):max(0, end - chunk.start)]

    def _best_sentence_coverage(self, places: list[tuple[str, bool]], tokens: list[str],
                                replies: list[str]) -> np.ndarray:
        """0–1 per reply text: the IDF-weighted share of the question's words its best sentence holds. The places
        it names identify a letter (its title and header say them) and are left out: 晋安区家庭养老床位 is
        answered by 建成家庭养老床位484张, not by 晋安区…内设100张医疗床位."""
        tokens = [t for t in dict.fromkeys(tokens) if not any(name in t for name, _ in places)]
        idf = self.index.idf(tokens)
        total = sum(idf[t] for t in tokens) or 1.0
        return np.array([max((sum(idf[t] for t in tokens if t in sentence) for sentence in _sentences_of(reply)),
                             default=0.0) / total for reply in replies])

    def _answer_type_evidence(self, query: str, texts: list[str]) -> np.ndarray:
        """0–1 per text: does it hold what the question asks for (a figure in the asked unit, a date…)?"""
        kinds = tuple(k for k in question_types(query) if k != "other")
        if not kinds:
            return np.zeros(len(texts))
        units, things = expected_units(query), counted_things(query)
        return np.array([type_evidence(kinds, units, t, things)[0] for t in texts])



@functools.lru_cache(maxsize=20000)
def _sentences_of(reply: str) -> tuple[str, ...]:
    """The normalised sentences of a passage's reply text (the leaders of one topic recur from query to query)."""
    text = normalize_for_index(reply)
    return tuple(text[start:end] for start, end in sentences(text))


def _behind_others(fused: np.ndarray, leaders: np.ndarray, letter_ids: list[str], behind: list[bool]) -> None:
    """Within each letter, the passages marked ``behind`` trade places with the letter's other passages ranked
    below them; letters keep their places in the ranking. Used for a passage that is all frame (header block
    and opening: title, addressee, the restated proposal, "…收悉"; or closing block: thanks, signature,
    contacts), which restates the subject the question names and answers nothing, and, for a question asking
    a frame field by name, for the passages that do not hold one."""
    by_letter: dict[str, list[int]] = {}
    for i, letter_id in zip(leaders, letter_ids):  # best first
        by_letter.setdefault(letter_id, []).append(int(i))
    marked = {int(i): flag for i, flag in zip(leaders, behind)}
    for places in by_letter.values():
        if len(places) > 1 and any(marked[i] for i in places):
            places.sort(key=lambda i: -fused[i])
            scores = fused[places].copy()
            for place, score in zip(sorted(places, key=lambda i: marked[i]), scores):
                fused[place] = score


def _standardise(values: np.ndarray) -> np.ndarray:
    values = np.where(np.isfinite(values), values, 0.0).astype(np.float64)
    spread = values.std()
    return (values - values.mean()) / spread if spread > 1e-9 else np.zeros_like(values)
