"""Promises (承诺事项) in the embedded store: one ``promises`` table in ``store.sqlite`` with each promise
(``corpus/promises.py``) and its follow-up link (``corpus/followup.py``), made when the letters are indexed.

A build extracts the promises of its fresh letters only; kept letters' rows are copied with the rest of the
store. Links are made again only for the promises whose agency or place is (contained in) that of a fresh,
changed or removed letter, since a follow-up's candidates are the later letters of the same agency or place;
an index whose promises were made by other rules (or none) has every promise extracted and linked again."""
from __future__ import annotations

import sqlite3

from ..corpus.followup import LINK_FIELDS, link_follow_ups
from ..corpus.models import Chunk
from ..corpus.promise_records import RECORD_FIELDS, promise_records
from .backend import PROMISE_FIELDS

SCHEMA = """CREATE TABLE IF NOT EXISTS promises (letter_id TEXT NOT NULL, start INTEGER, "end" INTEGER, text TEXT,
  what TEXT, section TEXT, chunk INTEGER, deadline TEXT, due TEXT, deadline_year INTEGER, figure TEXT,
  later_letter_id TEXT, later_start INTEGER, later_end INTEGER, later_text TEXT, later_chunk INTEGER,
  later_score REAL);"""
COLUMNS = ", ".join(f'"{f}"' for f in PROMISE_FIELDS)
RECORD_COLUMNS = ", ".join(f'"{f}"' for f in RECORD_FIELDS)
META = ("id", "agency", "region", "date")


def read(db: sqlite3.Connection, letter_id: str | None = None, fields=PROMISE_FIELDS) -> list[dict]:
    """The stored promises' ``fields`` for one letter in body order, or for every letter in index order (rows
    are stored letter by letter in index order)."""
    columns = ", ".join(f'"{f}"' for f in fields if f in PROMISE_FIELDS)
    if letter_id is not None:
        found = db.execute(f"SELECT {columns} FROM promises WHERE letter_id = ? ORDER BY start", (letter_id,))
    else:
        found = db.execute(f"SELECT {columns} FROM promises ORDER BY rowid")
    names = [f for f in fields if f in PROMISE_FIELDS]
    return [dict(zip(names, values)) for values in found]


def copy_kept(db: sqlite3.Connection) -> None:
    """Copy the kept letters' rows (temporary table ``keep``) from the attached previous store ``old``."""
    db.execute(SCHEMA)
    db.execute(f"INSERT INTO promises ({COLUMNS}) SELECT {COLUMNS} FROM old.promises "
               f"WHERE letter_id IN (SELECT id FROM keep) ORDER BY rowid")


def store(db: sqlite3.Connection, fresh_ids: list[str], gone: list[dict], every: bool) -> None:
    """Extract and store the promises of ``fresh_ids`` (of every letter when ``every``), then link again those
    that a fresh letter or one that is ``gone`` (removed or changed: its old ``META``) may concern."""
    db.execute(SCHEMA)
    if every:
        db.execute("DELETE FROM promises")
        fresh_ids = [r[0] for r in db.execute("SELECT id FROM letters ORDER BY pos")]
    for letter_id in fresh_ids:
        body, date = db.execute("SELECT body, date FROM letters WHERE id = ?", (letter_id,)).fetchone()
        db.executemany(f"INSERT INTO promises ({RECORD_COLUMNS}) VALUES ({', '.join('?' * len(RECORD_FIELDS))})",
                       (tuple(r[f] for f in RECORD_FIELDS)
                        for r in promise_records(letter_id, body, date, _chunks(db, letter_id))))
    db.execute("CREATE INDEX IF NOT EXISTS promises_letter ON promises(letter_id, start)")
    letters = [dict(zip(META, r)) for r in db.execute(f"SELECT {', '.join(META)} FROM letters ORDER BY pos")]
    fresh = set(fresh_ids)
    relink = _touched(db, letters, [row for row in letters if row["id"] in fresh] + gone, every)
    links = link_follow_ups([{"letter_id": lid, "what": what} for _, lid, what in relink], letters,
                            lambda lid: (_body(db, lid), _chunks(db, lid)))
    db.executemany(f"UPDATE promises SET {', '.join(f'{f} = ?' for f in LINK_FIELDS)} WHERE rowid = ?",
                   ((*((link or {}).get(f) for f in LINK_FIELDS), rowid)
                    for (rowid, _, _), link in zip(relink, links)))


def _body(db: sqlite3.Connection, letter_id: str) -> str:
    return db.execute("SELECT body FROM letters WHERE id = ?", (letter_id,)).fetchone()[0] or ""


def _chunks(db: sqlite3.Connection, letter_id: str) -> list[Chunk]:
    return [Chunk(letter_id, *c) for c in db.execute(
        'SELECT ordinal, section, text, start, "end" FROM chunks WHERE letter_id = ? ORDER BY row', (letter_id,))]


def _touched(db: sqlite3.Connection, letters: list[dict], changed: list[dict], every: bool) -> list[tuple]:
    """``(rowid, letter_id, what)`` of the stored promises whose follow-up may differ now: those whose agency or
    place is contained in that of a changed letter (as the follow-up's candidates are chosen)."""
    agencies = {row["agency"] for row in changed if row.get("agency")}
    regions = {row["region"] for row in changed if row.get("region")}
    meta = {row["id"]: row for row in letters}

    def touched(letter_id: str) -> bool:
        row = meta.get(letter_id) or {}
        return every or any(row.get("agency") and row["agency"] in a for a in agencies) \
            or any(row.get("region") and row["region"] in r for r in regions)

    return [r for r in db.execute("SELECT rowid, letter_id, what FROM promises ORDER BY rowid") if touched(r[1])]
