"""What an index stores of a letter's promises: one flat record per committing sentence (``promise_records``), and
the identity of the rules that made them (``RULES``: an index whose records other rules made makes them again)."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .promises import extract_promises

# What an index stores per promise (``promise_records``), the letter's metadata left out.
RECORD_FIELDS = ("letter_id", "start", "end", "text", "what", "section", "chunk", "deadline", "due", "deadline_year",
                 "figure")
# The rules' identity (extraction, follow-up links and the reply span they read, the text toolkit): an index whose
# stored promises were made by other rules makes them again.
RULES = hashlib.sha256(b"".join(Path(__file__).with_name(name).read_bytes()
                                for name in ("promises.py", "not_promises.py", "promise_records.py", "deadlines.py",
                                             "followup.py", "chunk.py", "text.py"))).hexdigest()[:16]


def promise_records(letter_id: str, body: str, letter_date: str | None, chunks=()) -> list[dict]:
    """The promises of one letter as flat dicts of ``RECORD_FIELDS`` (what an index stores): ``chunk`` is the
    ordinal of the first of ``chunks`` (objects with ``start``, ``end``, ``ordinal``) that holds the sentence."""
    spans = sorted((c.start, c.end, c.ordinal) for c in chunks)
    out = []
    for p in extract_promises(body, letter_date):
        chunk = next((ordinal for s, e, ordinal in spans if s <= p.start < e), None)
        out.append({"letter_id": letter_id, "start": p.start, "end": p.end, "text": p.text, "what": p.what,
                    "section": p.section, "chunk": chunk, "deadline": p.deadline.text if p.deadline else None,
                    "due": p.deadline.due if p.deadline else None,
                    "deadline_year": p.deadline.year if p.deadline else None,
                    "figure": "；".join(f["text"] for f in p.figures) or None})
    return out
