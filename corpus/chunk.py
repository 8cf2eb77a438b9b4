"""Splitting a letter's body into passages along its own structure.

Sections start at numbered headings (``一、`` > ``（一）`` > ``1.`` > ``(1)``); each chunk carries its
heading path. Long sections are cut at sentence ends (a lone over-long sentence at commas) into
passages of at most ``max_chars``, preferring paragraph and ``二是…`` boundaries, with ``overlap``
sentences repeated; tiny sections join a neighbour. ``letter.body[chunk.start:chunk.end] == chunk.text``.
"""
from __future__ import annotations

from dataclasses import dataclass

import regex

from .metadata import DATE_AT_END, ORG_LINE, PAGE_LABEL_LINE
from .models import Chunk, Letter
from .text import ITEM_ENDS, SENTENCE, SENTENCE_CLOSERS, clauses

HEADING_LEVELS = [
    regex.compile(r"^[一二三四五六七八九十]{1,3}[、.．]"),
    regex.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)]"),
    regex.compile(r"^\d{1,2}(?:[、．]|\.(?!\d))"),
    regex.compile(r"^(?:[（(]\d{1,2}[）)]|[①-⑳])"),
]
HEADING_END = regex.compile(r"[。！？!?；;：:]")
CLOSING = regex.compile(
    r"^(?:(?:再次|真诚|诚挚|衷心|非常)\S{0,4}感谢|感谢|谢谢|專此|专此|特此|此复|以上答复|以上回复|以上办理|"
    r"联系人|聯系人|联系电话|承办|承辦|分管领导|领导署名|抄送)")
# The line that closes a letter's header block ("…收悉。现答复如下："): what follows is the reply itself.
# The end of a letter's opening (…收悉，现答复如下：), or a form's label of the reply with the reply after it (办理复文:…)
OPENING = regex.compile(r"收悉|答复如下|回复如下|答複如下|现将[^。]{0,30}(?:答复|回复|报告)|如下[:：]\s*$"
                        r"|(?<![^\n])\s*(?:办理复文|答复内容|答复意见|办理答复|复文内容)\s*[:：](?=[ \t]*\S)")
OPENING_WITHIN = 8  # paragraphs
OPENING_CLOSE = regex.compile(r"[^。！？!?；;：:\n]{0,30}(?:[。！？!?；;：:]+|$)")  # the rest of the opening sentence
ITEM = regex.compile(r"^[二三四五六七八九十]是")
HEADING_CHARS = 30
FORM_ROW = regex.compile(r"^\s*\p{Han}{2,10}\s*[:：]\s*[^。，,；;\n]{1,24}$")  # a form's label and short value
SIGNATURE_CHARS = 40  # a closing block's other lines (agency, date, contact) are shorter
HEADER_LINE_CHARS = 60  # a page form's lines before the opening (the proposal's title among them) are shorter
PATH_SEP = " > "


@dataclass
class _Unit:
    """A sentence (or clause of an over-long one): body offsets, whether a good break precedes it, and whether
    it goes on the sentence before it (an item after ``；``, a clause after a comma): a poor place to cut."""

    start: int
    end: int
    breaks: bool
    continues: bool = False


def chunk_sections(letter: Letter, max_chars: int = 300, overlap: int = 1) -> list[Chunk]:
    """The letter's passages, in order, each with its heading path as ``section``."""
    body = letter.body
    min_chars = max_chars // 5
    passages: list[tuple[str, int, int]] = []
    for path, start, end in _merge_tiny(_sections(body), min_chars):
        units = _units(body, start, end, max_chars)
        passages += [(path, s, e) for s, e in _pack(units, max_chars, overlap)]
    return [Chunk(letter.id, i, path, body[s:e], s, e) for i, (path, s, e) in enumerate(passages)]


def heading_level(paragraph: str) -> int | None:
    """1 for ``一、``, 2 for ``（一）``, 3 for ``1.``/``1、``, 4 for ``(1)``/``①``; None for body text."""
    for level, pattern in enumerate(HEADING_LEVELS, 1):
        if pattern.match(paragraph):
            return level
    return None


def heading_text(paragraph: str) -> str:
    """A heading paragraph's title: the whole line, or the lead sentence of ``一、标题。正文…``."""
    m = HEADING_END.search(paragraph)
    title = paragraph[:m.start()] if m else paragraph
    return title if len(title) <= HEADING_CHARS else title[:HEADING_CHARS - 1] + "…"


def _paragraphs(body: str) -> list[tuple[int, int]]:
    spans, offset = [], 0
    for line in body.split("\n"):
        if line.strip():
            spans.append((offset, offset + len(line)))
        offset += len(line) + 1
    return spans


def _opening(body: str, paragraphs: list[tuple[int, int]], first: int = 0) -> int | None:
    """The index of the paragraph that closes the header block ("…收悉，现答复如下："; not a page's summary of it
    under 内容概述:), if any, looked for in the ``OPENING_WITHIN`` paragraphs from ``first`` on (after a page's
    labels), and further while every paragraph before it is a short line: a page's form (案由, 提案者, 承办单位,
    答复日期…) may take a dozen."""
    for i in range(first, len(paragraphs)):
        s, e = paragraphs[i]
        if heading_level(body[s:e]) is None and not PAGE_LABEL_LINE.match(body[s:e]) and OPENING.search(body[s:e]):
            return i
        if i + 1 >= first + OPENING_WITHIN and (i + 1 >= first + 4 * OPENING_WITHIN or any(
                pe - ps > HEADER_LINE_CHARS for ps, pe in paragraphs[first:i + 1])):
            return None
    return None


def reply_span(body: str) -> tuple[int, int]:
    """Where the reply itself begins and ends: after the header block and its opening paragraph (0 when there
    is none), before the closing block (thanks, contacts, signature; the body's end when there is none).
    Around it the letter identifies itself (title, addressee, restated proposal, signature); it answers nothing."""
    paragraphs = _paragraphs(body)
    before = _opening(body, paragraphs)  # a form's rows after the reply (办理结果:A类) are no header
    labels = [i for i, (s, e) in enumerate(paragraphs[:OPENING_WITHIN])
              if PAGE_LABEL_LINE.match(body[s:e]) and (before is None or i < before)]
    first = labels[-1] + 1 if labels else 0  # a page's labels (索引号：…, 字号: 来源:…) are header, opening or not
    start = paragraphs[first - 1][1] if first else 0
    opening = _opening(body, paragraphs, first) if first else before
    if opening is not None:
        s, e = paragraphs[opening]
        last = list(OPENING.finditer(body, s, e))[-1].end()
        close = OPENING_CLOSE.match(body, last, e)
        start = max(start, close.end() if close else last)
    ends = [c for c in (_closing(body, paragraphs), _signature(body, paragraphs)) if c is not None and c > start]
    return start, min(ends, default=len(body))


def _signature(body: str, paragraphs: list[tuple[int, int]]) -> int | None:
    """Where the trailing run of signature lines (the replying body, its date: 2021年9月12日; a form's rows:
    办结时间:2023年9月4日, 办理结果:A类) starts, if any."""
    start = None
    for s, e in reversed(paragraphs[1:]):
        if e - s > SIGNATURE_CHARS or not (ORG_LINE.match(body[s:e]) or DATE_AT_END.match(body[s:e])
                                           or FORM_ROW.match(body[s:e])):
            break
        start = s
    return start


def _closing(body: str, paragraphs: list[tuple[int, int]]) -> int | None:
    """Where the closing block starts, if any: the first closing formula after the last heading; in a letter
    without headings, the first one of its trailing run of closing formulas and short lines (signature, date)."""
    last_heading = next((i for i in range(len(paragraphs) - 1, -1, -1)
                         if heading_level(body[paragraphs[i][0]:paragraphs[i][1]]) is not None), None)
    if last_heading is not None:
        return next((s for s, e in paragraphs[last_heading + 1:] if CLOSING.match(body[s:e])), None)
    closing = None
    for s, e in reversed(paragraphs[1:]):
        if CLOSING.match(body[s:e]) and e - s <= 2 * SIGNATURE_CHARS:
            closing = s
        elif e - s > SIGNATURE_CHARS:
            break
    return closing


def _sections(body: str) -> list[tuple[str, int, int]]:
    """Contiguous (path, start, end) ranges: preamble, one per heading, closing block."""
    paragraphs = _paragraphs(body)
    if not paragraphs:
        return []
    starts: list[tuple[int, str]] = [(0, "")]
    opening = _opening(body, paragraphs)
    if opening is not None and opening + 1 < len(paragraphs) \
            and heading_level(body[paragraphs[opening + 1][0]:paragraphs[opening + 1][1]]) is None:
        starts.append((paragraphs[opening + 1][0], ""))  # header block apart from the reply's first paragraph
    stack: list[tuple[int, str]] = []
    for s, e in paragraphs:
        level = heading_level(body[s:e])
        if level is None:
            continue
        stack = [item for item in stack if item[0] < level] + [(level, heading_text(body[s:e]))]
        starts.append((s, PATH_SEP.join(text for _, text in stack)))
    closing = _closing(body, paragraphs)
    if closing is not None:
        starts.append((closing, ""))
    bounds = [s for s, _ in starts[1:]] + [len(body)]
    return [(path, s, end) for (s, path), end in zip(starts, bounds) if body[s:end].strip()]


def _merge_tiny(sections: list[tuple[str, int, int]], min_chars: int) -> list[tuple[str, int, int]]:
    """Join small sections to a neighbour: a bare heading or short header to the section under it,
    a short closing or very short sibling to the one before."""
    merged: list[tuple[str, int, int]] = []
    carry = None  # start of small sections waiting to open the next one
    for index, (path, start, end) in enumerate(sections):
        if carry is not None:
            start, carry = carry, None
        nxt = sections[index + 1][0] if index + 1 < len(sections) else None
        if end - start < min_chars and nxt is not None and (not path or nxt.startswith(path + PATH_SEP)):
            carry = start
        elif merged and (end - start < min_chars // 2 or (end - start < min_chars and nxt is None)):
            merged[-1] = (merged[-1][0], merged[-1][1], end)
        else:
            merged.append((path, start, end))
    return merged


def _units(body: str, start: int, end: int, max_chars: int) -> list[_Unit]:
    """The sentences of body[start:end]; one longer than ``max_chars`` becomes its clauses."""
    units: list[_Unit] = []
    new_paragraph = True
    for m in SENTENCE.finditer(body, start, end):
        s, e = m.span()
        while s < e and body[s].isspace():
            new_paragraph = new_paragraph or body[s] == "\n"
            s += 1
        if s >= e:
            new_paragraph = new_paragraph or "\n" in body[m.start():m.end() + 1]
            continue
        breaks = new_paragraph or bool(ITEM.match(body, s))
        continues = not new_paragraph and bool(units) and _ends_item(body, units[-1])
        if e - s <= max_chars:
            units.append(_Unit(s, e, breaks, continues))
        else:
            pieces = clauses(body, s, e, items=True)
            units += [_Unit(cs, ce, breaks and k == 0, continues or k > 0) for k, (cs, ce) in enumerate(pieces)]
        new_paragraph = body[e:e + 1] == "\n"
    return units


def _ends_item(body: str, unit: _Unit) -> bool:
    """``unit`` ends with ``；``: the sentence after it is the next item of one list."""
    return body[unit.start:unit.end].rstrip(SENTENCE_CLOSERS).endswith(tuple(ITEM_ENDS))


def _pack(units: list[_Unit], max_chars: int, overlap: int) -> list[tuple[int, int]]:
    """Greedy passages of whole units up to ``max_chars``, breaking early at good breaks once 60 %
    full, never inside a sentence (a list of ``；`` items) when the passage is half full at its start, and
    repeating ``overlap`` units; then small passages are folded into a neighbour."""
    groups: list[list[_Unit]] = []
    i = 0
    while i < len(units):
        j = i + 1
        while j < len(units) and units[j].end - units[i].start <= max_chars:
            if units[j].breaks and units[j - 1].end - units[i].start >= 0.6 * max_chars:
                break
            j += 1
        k = j
        while j < len(units) and k > i + 1 and units[k].continues:
            k -= 1
        if j < len(units) and not units[k].continues and units[k - 1].end - units[i].start >= 0.5 * max_chars:
            j = k
        groups.append(units[i:j])
        if j >= len(units):
            break
        back = max(j - overlap, i + 1)
        i = back if units[j].end - units[back].start <= max_chars else j
    groups = _fold_small(groups, max_chars)
    if len(groups) >= 2 and _length(groups[-1]) < max_chars // 3:
        groups[-2:] = _rebalance(groups[-2], groups[-1], max_chars, overlap)
    return [(group[0].start, group[-1].end) for group in groups]


def _length(group: list[_Unit]) -> int:
    return group[-1].end - group[0].start


def _join(first: list[_Unit], second: list[_Unit]) -> list[_Unit]:
    """Two neighbouring passages as one, without their overlap twice."""
    return first + [u for u in second if u.start >= first[-1].end]


def _fold_small(groups: list[list[_Unit]], max_chars: int) -> list[list[_Unit]]:
    """Fold passages under a fifth of ``max_chars`` into the previous or next one when that fits."""
    out: list[list[_Unit]] = []
    pending = list(groups)
    while pending:
        group = pending.pop(0)
        if _length(group) < max_chars // 5:
            if out and _length(_join(out[-1], group)) <= max_chars:
                out[-1] = _join(out[-1], group)
                continue
            if pending and _length(_join(group, pending[0])) <= max_chars:
                pending[0] = _join(group, pending[0])
                continue
        out.append(group)
    return out


def _rebalance(first: list[_Unit], last: list[_Unit], max_chars: int, overlap: int) -> list[list[_Unit]]:
    """Two passages whose split leaves them closest in length (one if they fit together)."""
    units = _join(first, last)
    if _length(units) <= max_chars:
        return [units]
    best = None
    for k in range(1, len(units)):
        back = max(k - overlap, 1)
        left, right = units[:k], units[back:] if _length(units[back:]) <= max_chars else units[k:]
        if _length(left) > max_chars or _length(right) > max_chars:
            continue
        score = abs(_length(left) - _length(right))
        if best is None or score < best[0]:
            best = (score, [left, right])
    return best[1] if best else [first, last]
