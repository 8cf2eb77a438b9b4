"""``dafu ask``: an extractive answer — the sentences of the top passages that answer the question, each cited
to its passage, letter, section and offsets — or an abstention when the letters do not hold the answer."""
from __future__ import annotations

import dataclasses
import json
import re
import threading
import time
from collections import OrderedDict

import numpy as np

from ..corpus.metadata import HEADING as LETTER_HEADING, MARK_CHARS, ORG_LINE
from ..corpus.normalize import normalize_for_index, normalize_for_match, to_simplified
from ..index.backend import query_tokens
from .asked import Asked, can_answer
from .fields import (ASKS_PROPOSALS_VIEW, ASKS_TITLE, CONSULTED, MEMBER_CONTACTED, OFFICES, OPENING_BODY, PREFERRED_FORM,
                     PROPOSER, REPLYING_BODY, SIGNED_BY, asked_field, asks_letter, preferred_form)
from .conflicts import find_conflicts
from .counted import counted_things
from .divisions import places_above
from .figures import expected_units, fold, named_asked, parts_asked, question_types, type_evidence
from .llm import generate_answer
from .members import members_named
from .names import places_named
from .ordering import joined_pieces, letter_first, matching_first, whole_sentences, with_what_follows
from .things import item_title, lead_in
from .units import Unit, dedupe, split_units
from .words import content_words

# Sentence score = weights · (embedding similarity, IDF-weighted keyword overlap, question-type evidence,
# 1 / passage rank) minus a penalty for letter formulas.  Whether a sentence can answer at all is decided by
# rules on the question's own words (search/asked.py: year, place, ordinal, a figure of the measure
# asked, a date) and the letter's frame (header, opening, closing answer nothing).  Evidence = IDF-weighted
# coverage of the question's words by the best sentence's passage and letter + EVIDENCE_NOUNS · the same for
# its nouns + EVIDENCE_COS · (similarity - 0.9); below MIN_EVIDENCE (a floor for unrelated text) it abstains.
# MIN_EVIDENCE is fitted on the fit topics only (benchmarks/calibrate_abstention.py): a plateau 0.55-0.60
# there; the held-back topics only report it.
W_COS, W_KW, W_TYPE, W_RANK, W_BOILERPLATE = 1.0, 0.2, 0.1, 0.1, 0.1
EVIDENCE_NOUNS, EVIDENCE_COS, MIN_EVIDENCE = 1.0, 4.0, 0.6
EXTRA_MARGIN = 0.08      # further sentences within this score of the best are also given (at most 3 in all)
EMBED_CANDIDATES = 12    # sentences embedded per question, after a cheap keyword / type pre-ranking

# Formulas every letter has (thanks, receipt, contact lines) and its signature (``ORG_LINE``) answer no question.
_BOILERPLATE = re.compile(r"感谢|收悉|答复如下|现答复|此复|联系人|联系电话|抄送|特此|关心和支持|意见和建议|批评指正")
_NOTE = re.compile(r"[（(][^（()）]{1,6}[)）]$")  # (节选) after a letter's heading line
# A heading that names the point of the proposal it answers (二、关于…, （一）关于…的建议): what is asked, restated.
_ABOUT_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])\s*关于[^。；;，,！!？?]{2,60}$")
# A sentence about what the one before it named (该园…, 其中…, 此项…): that sentence's words count as its own.
_ANAPHOR = re.compile(r"^(?:该|其|此(?!外))")
_RESTATES_PROPOSAL = re.compile(r"(?:您|你们?|贵[\u4e00-\u9fff]{0,2}|代表|委员)[^。，,]{0,8}(?:提出|认为|指出|反映|提到|所提)|(?:提案|建议)中")
_NAMES_PROPOSAL = re.compile(r"建议|提案|议案")
_ROLE_ASKED = re.compile(r"承办|主办|会办|协办")  # the part a body asked played
_OFFICE_ASKED = re.compile(rf"哪(?:个|一个|家)?({OFFICES})")
_NAMES_PROPOSERS = re.compile(r"委员|代表|党派|界别|民革|民盟|民建|民进|农工党|致公党|九三学社|台盟|工商联")


def answer_question(searcher, question: str, top_k: int = 5, filters: dict | None = None) -> dict:
    """The ``dafu ask`` object: answer sentences with citations, conflicting figures and the passages."""
    passages = searcher.search(question, top_k=top_k, filters=filters)
    out = {"question": question, "abstained": True, "answer": [], "conflicts": [], "passages": passages}
    units = ranked = rank_units(searcher, question, passages)
    if not units:
        out["generator"] = {"used": False, "reason": "no passages"}
        return out
    asked = Asked.of(question, searcher.known_places, searcher.known_members)
    specific = can_answer(searcher, question, asked, units)
    if not specific and asked.field is PROPOSER:  # who proposed, named by the letter in no form of its own: a
        asked = dataclasses.replace(asked, field=None)  # sentence naming members, deputies or a party
        specific = [u for u in can_answer(searcher, question, asked, units)
                    if _NAMES_PROPOSERS.search(u.norm) or not _NAMES_PROPOSAL.search(question)]  # 由谁提出申请
    if not specific:
        out["generator"] = {"used": False, "reason": "abstained: no sentence gives the year, place or unit asked"}
        return out
    units = specific
    if asked.field is not None and asked.field not in (CONSULTED, MEMBER_CONTACTED):  # a label of the frame: the
        # letter search found first that gives it (索引号 alone as its value: 005307335/2020-00066) before another
        # letter's line that names the label (whom a body consulted is said by the reply's text, not its frame)
        first = _letter_asked(passages, units)
        if asked.field is REPLYING_BODY:  # in the letter asked, a line naming the agency its metadata reads (not
            # the site's 发布机构), then its signature or 承办单位 line before a title beginning with it
            agency = normalize_for_index((searcher.by_id.get(first) or {}).get("agency") or "") or None
            office = _OFFICE_ASKED.search(question)  # 农业农村厅哪个处答复的: the line naming one (来源:…种业管理处)
            named = re.compile(rf"[\u4e00-\u9fff]{{2}}{office.group(1)}(?![\u4e00-\u9fff])") if office else None
            role = _ROLE_ASKED.search(question)  # 由哪个单位承办: the line that says so (该提案由银川市体育局承办)
            units.sort(key=lambda u: (u.letter_id != first, bool(named) and not named.search(u.norm),
                                      agency not in u.norm if agency else False,
                                      bool(role) and role.group() not in u.norm,
                                      not (SIGNED_BY.search(u.norm) or OPENING_BODY.search(u.norm))))
        elif asked.field in PREFERRED_FORM:  # the reply's date: the day its metadata reads (its signature's before
            # the day its page was published), or the page's when asked as published
            preferred = preferred_form(asked.field, normalize_for_index(question), searcher.by_id.get(first, {}).get("date"))
            units.sort(key=lambda u: (u.letter_id != first, not preferred.search(u.norm)))
            if preferred.search(units[0].norm):  # signed 2024624: its page's 时间:2024-06-28 is another day, not shown
                units = [u for u in units if u.letter_id != first or preferred.search(u.norm)]
        else:
            units.sort(key=lambda u: u.letter_id != first)
    if ASKS_PROPOSALS_VIEW.search(question):  # 提案认为…有哪些短板: what the proposal said, as the reply restates it
        units.sort(key=lambda u: not (_RESTATES_PROPOSAL.search(u.norm) or u.features["proposal"]))  # or as the page
        # shows it before the reply (提案者:…内容:…)
    best = units[0]
    features = best.features
    if asked.field is not None:  # a frame field's value (A:解决采纳) is near no question: its letter's closest sentence is
        features = {**features, "cos": max(u.features["cos"] for u in ranked if u.letter_id == best.letter_id)}
    out["evidence"] = {**{k: round(v, 4) for k, v in features.items()},
                       "evidence": round(evidence(features), 4), "threshold": MIN_EVIDENCE}
    if abstains(features):
        out["generator"] = {"used": False, "reason": "abstained: weak evidence"}
        return out
    if asks_letter(question):
        chosen = letter_first(units)
    elif asked.field is not None:  # a frame field (文号, 承办单位): its lines as ranked, no figure to measure
        chosen = select(units)
    else:
        chosen = matching_first(select(units), asked, searcher.by_id)
    out["abstained"] = False
    chosen = with_what_follows(chosen, passages, asked)
    out["answer"] = [_item(u) for u in whole_sentences(joined_pieces(chosen, searcher.by_id))]
    weights = _idf(searcher, list(dict.fromkeys(query_tokens(normalize_for_index(question)))))
    out["conflicts"] = find_conflicts(weights, [u for u in units[:10] if u.score >= best.score - 0.2], searcher.by_id)
    generated, out["generator"] = generate_answer(question, passages)
    if generated:
        out["answer"] = generated
    return out


def evidence(features: dict, nouns: float | None = None, cos: float | None = None) -> float:
    """How well the best sentence and its letter cover the question (see the constants above)."""
    nouns = EVIDENCE_NOUNS if nouns is None else nouns
    cos = EVIDENCE_COS if cos is None else cos
    return features["coverage"] + nouns * features["noun_cov"] + cos * (features["cos"] - 0.9)


def abstains(features: dict) -> bool:
    """Weak evidence: the letters found do not hold the question's words, or the sentence is not close to it."""
    return evidence(features) < MIN_EVIDENCE


def rank_units(searcher, question: str, passages: list[dict]) -> list[Unit]:
    """Every sentence of ``passages`` worth scoring, best first, with its features and score."""
    qnorm = normalize_for_index(question)
    tokens = list(dict.fromkeys(query_tokens(qnorm)))
    field = asked_field(qnorm)  # 哪个文号: the sentences holding one are embedded whatever their words
    if field is not None:  # the field's own name (文号, 联系人, 题目) is what is asked, not what the letter says
        tokens = [t for t in tokens if asked_field(t) is None and not ASKS_TITLE.fullmatch(t)] or tokens
    nouns = content_words(qnorm)
    idf = _idf(searcher, tokens + nouns)
    total = sum(idf[t] for t in tokens) or 1.0
    places = [name for name, _ in places_named(qnorm, searcher.known_places)]
    members = members_named(qnorm, searcher.known_members)
    noun_total = sum(idf[t] for t in nouns) or 1.0
    qtypes, units_wanted = question_types(question), expected_units(question)
    things = counted_things(question) + parts_asked(question)  # what a count names, and the parts it counts
    named = named_asked(question)
    qfold = fold(question)
    units = []
    for number, passage in enumerate(passages, 1):
        letter = searcher.by_id.get(passage["letter_id"], {})
        context = normalize_for_index(" ".join(str(x) for x in (
            passage["text"], passage.get("section"), letter.get("title"), letter.get("agency"),
            letter.get("region"), letter.get("addressee")) if x))
        if field is not None:  # a frame field (签发人, 联系电话) stands apart from what the letter is about
            context += searcher.letter_text(passage["letter_id"])
        reply_start, reply_end = searcher.reply_span(passage["letter_id"])
        title = normalize_for_index(letter.get("title") or "")
        heading = normalize_for_index(passage.get("section") or "")
        own = normalize_for_index(" ".join(str(letter.get(k) or "") for k in ("region", "agency", "title")))
        own += " ".join(places_above(letter.get("region")))  # the letter's own places identify it: no sentence is
        addressee = letter.get("addressee") or ""  # and so does the member it answers (杨 美丽 of 杨美丽代表)
        asked_words = [t for t in tokens if not any(name in t and name in own for name in places)
                       and not any((name in t or t in name) and name in addressee for name in members)] or tokens
        asked_total = sum(idf[t] for t in asked_words) or 1.0  # better for naming them (赤壁 in a 咸宁 letter is)
        for unit in split_units(passage, number):
            unit.norm = normalize_for_index(unit.text)
            restates_title = (len(title) >= 8 and title in unit.norm and len(unit.norm) < len(title) + 20
                              or bool(LETTER_HEADING.match(_NOTE.sub("", unit.norm))  # 关于…建议答复的函(节选)
                                      or _ABOUT_HEADING.match(unit.norm)))  # 二、关于水富港纳入国家内河主要港口
            said = unit.norm + (lead_in(unit, letter) if _ANAPHOR.match(unit.norm) else "")  # 该园依托…: the park named before
            item = item_title(unit, letter)  # 三是…“五方面人员”。: what the sentences after it in its paragraph are about
            kw = sum(idf[t] for t in asked_words if t in said or t in heading or t in item) / asked_total
            coverage = sum(idf[t] for t in tokens if t in unit.norm or t in context) / total
            noun_cov = sum(idf[t] for t in nouns if t in unit.norm or t in context) / noun_total if nouns else 1.0
            typ, spans = type_evidence(qtypes, units_wanted, to_simplified(unit.text), things, named)  # 3.08億元: 亿元
            unit.span = _choose_span(unit.text, spans, qfold, idf)
            unit.features = {"kw": kw, "coverage": coverage, "noun_cov": noun_cov, "type": typ, "rank": 1.0 / number,
                             "boilerplate": float(bool(_BOILERPLATE.search(unit.norm) or ORG_LINE.match(unit.norm))),
                             "frame": float(unit.end <= reply_start or unit.start >= reply_end or restates_title),
                             "proposal": float(unit.end <= reply_start and not restates_title),
                             "title": float(restates_title)}
            units.append(unit)
    units = dedupe(units)
    for unit in units if field is not None else ():  # the 文号 or telephone number is the figure to mark
        given = next((m for m in field.finditer(unit.text) if re.search(r"\d", m.group())), None)
        if given:  # without the page's bullets and bars before it (• 2023-08-18 17:40)
            marks = len(given.group()) - len(given.group().lstrip(MARK_CHARS + "|"))
            unit.span = given.start() + marks, given.end()
    units.sort(key=lambda u: -(u.features["kw"] + 0.5 * u.features["type"] + 0.3 * u.features["rank"]
                               + (field is not None and bool(field.search(u.norm)))))
    units = units[:EMBED_CANDIDATES]
    if not units:
        return []
    vectors = _embed(searcher, [qnorm] + [u.norm[:160] for u in units])
    for unit, cos in zip(units, vectors[1:] @ vectors[0]):
        f = unit.features
        f["cos"] = float(cos)
        unit.score = score(f)
        f["score"] = unit.score
    units.sort(key=lambda u: -u.score)
    return units


def score(f: dict, weights: tuple | None = None) -> float:
    """A sentence's score from its features (``weights``: W_KW, W_TYPE, W_RANK, W_BOILERPLATE to try others)."""
    kw, typ, rank, boiler = weights or (W_KW, W_TYPE, W_RANK, W_BOILERPLATE)
    return W_COS * f["cos"] + kw * f["kw"] + typ * f["type"] + rank * f["rank"] - boiler * f["boilerplate"]


_CONDITION_LAST = re.compile(r"(?:如果|假如|倘若|如若|若是|一旦)[^，,；;。]*$")  # a last clause that opens a condition


def select(units: list[Unit]) -> list[Unit]:
    """The best sentence and up to two more that score nearly as well, without repeats. When the best is a piece
    of a long sentence without what the question asks for (a cause, a figure, a document) and a later piece of the
    same sentence or the one right before holds it, that piece comes second: 查干屯格乡…实施清洁能源(煤改电)项目, then
    但受2021-2022年疫情影响未能按时完工; …印发《关于促进钢铁工业高质量发展的指导意见》 before 提出“…开展钢结构住宅
    试点”; or when the best ends in a condition whose consequence the next piece says (…如果尽可能修宽 | 涉及的土地、
    林地、经济林木等补偿没有资金)."""
    best = units[0]
    rest = next((u for u in units[1:] if u.letter_id == best.letter_id and u.sentence == best.sentence
                 and (u.start > best.start or 0 <= best.start - u.end <= 2)  # a later piece, or the one right before
                 and (u.features["type"] >= 1.0 > best.features["type"]
                      or 0 <= u.start - best.end <= 2 and _CONDITION_LAST.search(best.text))), None)
    chosen = [best, rest] if rest else [best]
    for unit in units[1:]:
        if len(chosen) == 3 or unit.score < best.score - EXTRA_MARGIN:
            break
        if unit is not rest:
            chosen.append(unit)
    return chosen


def _letter_asked(passages: list[dict], units: list[Unit]) -> str:
    """The letter a field question asks of: the first one search found that gives the field (安化县…第21号建议 is the
    21号's, not the letter of 益阳 whose title line names its agency)."""
    giving = {u.letter_id for u in units}
    return next((p["letter_id"] for p in passages if p["letter_id"] in giving), units[0].letter_id)


def _item(unit: Unit) -> dict:
    item = {"text": unit.text, "citations": [unit.passage], "letter_id": unit.letter_id, "section": unit.section,
            "start": unit.start, "end": unit.end, "figure": None, "score": round(unit.score, 4)}
    if unit.span:
        item["figure"] = unit.text[unit.span[0]:unit.span[1]]
        item["figure_start"], item["figure_end"] = unit.span
    if unit.features.get("note"):
        item["note"] = unit.features["note"]
    return item


def _choose_span(text: str, spans: list[tuple[int, int]], question: str, idf: dict[str, float]):
    """The candidate span to bold: one the question does not already name, whose nearby words (8 characters
    before, 6 after, within its clause and its item of a list) share the most question words (for a 覆盖率
    question, 覆盖率达到85% rather than 入园率达到100%; 全市共有587处应急避难场所 rather than the 、221处镇街级应急避难场所
    listed after it); on a tie, the one they come before (米易县2项、盐边县20项: 盐边县's is 20项)."""
    if not spans:
        return None
    folded = fold(text)

    def merit(span):
        s, e = span
        before = re.split(r"[,;:。!?、]", folded[max(0, s - 8):s])[-1]
        after = re.split(r"[,;:。!?、]", folded[e:e + 6])[0]
        window = before + " " + after
        return (folded[s:e].strip() not in question, sum(w for t, w in idf.items() if t in window),
                sum(w for t, w in idf.items() if t in before))

    return max(spans, key=merit)


def _idf(searcher, tokens: list[str]) -> dict[str, float]:
    return searcher.index.idf(tokens)


_VECTORS: OrderedDict = OrderedDict()
_VECTORS_LOCK = threading.Lock()
_VECTORS_MAX = 20000


def _embed(searcher, texts: list[str]) -> np.ndarray:
    """Query-mode vectors of ``texts``, cached by model and text (the web app asks from several threads)."""
    model = json.dumps(searcher.manifest.get("model"), sort_keys=True)
    with _VECTORS_LOCK:
        known = {t: _VECTORS[(model, t)] for t in texts if (model, t) in _VECTORS}
    missing = sorted({t for t in texts if t not in known}, key=len)
    for i in range(0, len(missing), 8):
        batch = missing[i:i + 8]
        known.update(zip(batch, searcher.embed_queries(batch)))
    with _VECTORS_LOCK:
        for text, vector in known.items():
            _VECTORS[(model, text)] = vector
            _VECTORS.move_to_end((model, text))
        while len(_VECTORS) > _VECTORS_MAX:
            _VECTORS.popitem(last=False)
    return np.stack([known[t] for t in texts])


def answer_hit(answer: dict, gold: list[tuple[str, str]]) -> bool:
    """Not abstained and some gold span inside the joined answer text (compared as DESIGN.md says)."""
    if answer["abstained"] or not answer["answer"]:
        return False
    joined = normalize_for_match("".join(item["text"] for item in answer["answer"]))
    return any(normalize_for_match(span) in joined for _, span in gold)


def evaluate_answers(searcher, questions: list[dict], top_k: int = 5) -> dict:
    """answer@1 over the answerable questions (those with gold), the share of unanswerable ones (no gold) that
    abstain (``abstention``) and of answerable ones that do (``false_abstention``), misses, seconds per question."""
    hits, abstained, refused, misses, started = 0, 0, 0, [], time.perf_counter()
    answerable = [q for q in questions if q["gold"]]
    unanswerable = [q for q in questions if not q["gold"]]
    for q in answerable:
        answer = answer_question(searcher, q["q"], top_k=top_k)
        abstained += answer["abstained"]
        if answer_hit(answer, q["gold"]):
            hits += 1
        else:
            misses.append(q["q"])
    for q in unanswerable:
        answer = answer_question(searcher, q["q"], top_k=top_k)
        refused += answer["abstained"]
        if not answer["abstained"]:
            misses.append(q["q"])
    n, m = len(answerable), len(unanswerable)
    return {"answer@1": hits / n if n else 0.0, "n": n, "abstained": abstained,
            "false_abstention": abstained / n if n else 0.0,
            "unanswerable": m, "abstention": refused / m if m else None, "misses": misses,
            "seconds_per_question": (time.perf_counter() - started) / len(questions) if questions else 0.0}


def format_answer(answer: dict) -> str:
    """Readable Chinese terminal output: answer with [n] citations and the key figure in 【】, conflicts, sources."""
    lines = [f"问：{answer['question']}"]
    if answer["abstained"]:
        lines.append("答：现有答复函中没有找到足够可靠的答案。以下是最接近的段落，供参考。")
    else:
        lines.append("答：")
        for item in answer["answer"]:
            text = item["text"]
            if item.get("figure_start") is not None:
                s, e = item["figure_start"], item["figure_end"]
                text = f"{text[:s]}【{text[s:e]}】{text[e:]}"
            note = f"（{item['note']}）" if item.get("note") else ""
            lines.append(f"  {text}{note} " + "".join(f"[{n}]" for n in item["citations"]))
        generator = answer.get("generator") or {}
        if generator.get("used"):
            lines.append("  （由语言模型依据所引段落生成，数字已逐一核对）")
    if answer.get("conflicts"):
        lines.append("注意：不同答复函给出的数字不一致：")
        for conflict in answer["conflicts"]:
            values = "；".join(f"{v.get('figure') or v['text']}（{v['letter_id']}，{v.get('date') or '日期不详'}）"
                              for v in conflict["values"])
            lines.append(f"  · {conflict['measure']}：{values}")
    if answer["passages"]:
        lines.append("依据：")
    for number, passage in enumerate(answer["passages"], 1):
        c = passage.get("citation") or {}
        title = c.get("title") or ""
        name = (title if title.startswith("《") else f"《{title}》") if title else passage["letter_id"]
        parts = [name, c.get("doc_number"), c.get("agency"), c.get("date"), passage.get("section") or None]
        lines.append(f"  [{number}] " + "，".join(p for p in parts if p))
    return "\n".join(lines)
