"""Turning a letter's extracted text into a ``Letter``: clean body plus the metadata it states."""
from __future__ import annotations

import hashlib
from dataclasses import asdict

import regex

from .clean import clean_body
from .metadata import extract_metadata
from .models import Letter

WORDS = regex.compile(r"[\p{L}\p{N}]")


class MalformedLetter(ValueError):
    """Text that cannot be a letter (empty, or nothing but markup and whitespace)."""


def parse_letter(text: str, letter_id: str, source: str) -> Letter:
    """Clean ``text`` and read its metadata; raise ``MalformedLetter`` when there is no body text."""
    if not text or not text.strip():
        raise MalformedLetter("empty text")
    body = clean_body(text)
    if not WORDS.search(body):
        raise MalformedLetter("no body text")
    return Letter(id=letter_id, source=source, body=body, **asdict(extract_metadata(body)),
                  content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest())
