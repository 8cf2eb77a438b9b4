"""A letter's body laid out for the letter page: paragraphs and headings, cut into pieces by passage."""
from __future__ import annotations

SECTION_SEP = " > "  # how a passage's ``section`` joins its heading path


def body_paragraphs(letter: dict, cited: int | None = None) -> list[dict]:
    """The whole body as paragraphs ``{"tag": "p"|"h2"|"h3", "pieces": [...]}`` in order. A piece is
    ``{"text", "ordinal" (its passage, or None), "anchor" (the passage's first piece), "classes"}``.
    Passages overlap by a sentence; each character is shown once, the cited passage keeping all of its own."""
    body = letter.get("body") or ""
    chunks = letter.get("chunks") or []
    owners = _owners(body, chunks, cited)
    headings = _headings(chunks)
    paragraphs, seen, start = [], set(), 0
    for line in body.split("\n"):
        end = start + len(line)
        if line.strip():
            prefix, depth = _heading_prefix(line, headings)
            cuts = sorted({start, end, start + len(prefix)} | {s for s, _, _ in owners if start < s < end})
            pieces = []
            for a, b in zip(cuts, cuts[1:]):
                ordinal = next((o for s, e, o in owners if s <= a < e), None)
                classes = ["chunk"] if ordinal is not None else []
                classes += ["cited"] if ordinal is not None and ordinal == cited else []
                classes += ["heading"] if a < start + len(prefix) else []
                pieces.append({"text": body[a:b], "ordinal": ordinal, "classes": " ".join(classes),
                               "anchor": ordinal is not None and ordinal not in seen})
                seen.add(ordinal)
            whole = len(prefix) == len(line)
            paragraphs.append({"tag": ("h2" if depth == 1 else "h3") if whole else "p", "pieces": pieces})
        start = end + 1
    return paragraphs


def _owners(body: str, chunks: list[dict], cited: int | None) -> list[tuple[int, int, int]]:
    """Non-overlapping ``(start, end, ordinal)`` ranges: each passage from where the previous one ended."""
    ranges: list[list[int]] = []
    cursor = 0
    for chunk in sorted(chunks, key=lambda c: (c["start"], c["ordinal"])):
        start = chunk["start"] if chunk["ordinal"] == cited else max(chunk["start"], cursor)
        for previous in ranges:  # only the cited passage reaches back over earlier ones
            previous[1] = max(previous[0], min(previous[1], start))
        end = min(max(chunk["end"], start), len(body))
        ranges = [r for r in ranges if r[1] > r[0]] + [[start, end, chunk["ordinal"]]]
        cursor = max(cursor, end)
    return [(s, e, o) for s, e, o in ranges if e > s]


def _headings(chunks: list[dict]) -> dict[str, int]:
    """Each heading of the passages' section paths, with its depth (1 for the top level)."""
    found: dict[str, int] = {}
    for chunk in chunks:
        for depth, heading in enumerate(filter(None, (chunk.get("section") or "").split(SECTION_SEP)), 1):
            found.setdefault(heading.strip(), depth)
    return found


def _heading_prefix(line: str, headings: dict[str, int]) -> tuple[str, int]:
    """The longest heading ``line`` starts with, and its depth (``("", 0)`` when none)."""
    best = max((h for h in headings if h and line.startswith(h)), key=len, default="")
    return best, headings.get(best, 0)
