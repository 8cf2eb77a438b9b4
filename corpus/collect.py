"""Finding letter files on disk, giving each a letter id, and reading them into ``Letter`` records."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .formats import SUPPORTED_SUFFIXES, UnreadableDocument, extract_text
from .models import Letter
from .parse import MalformedLetter, parse_letter

UNSAFE_ID = re.compile(r"[/\\\x00-\x1f\x7f]|\.\.")


@dataclass
class Skipped:
    """A file that was not indexed, and why."""

    source: str
    reason: str


def bundled_corpus_dir() -> Path:
    """The seed letters shipped with dafu: the default corpus."""
    return Path(__file__).resolve().parent / "letters"


def find_letter_files(paths) -> tuple[list[Path], list[Skipped]]:
    """Letter files named by ``paths`` (files or folders, searched recursively), and what was passed over."""
    found: list[Path] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if child.suffix.lower() in SUPPORTED_SUFFIXES:
                    found.append(child)
                else:
                    skipped.append(Skipped(str(child), f"不支持的文件类型 / unsupported file type {child.suffix!r}"))
        elif path.is_file():
            if path.suffix.lower() in SUPPORTED_SUFFIXES:
                found.append(path)
            else:
                skipped.append(Skipped(str(path), f"不支持的文件类型 / unsupported file type {path.suffix!r}"))
        else:
            skipped.append(Skipped(str(path), "路径不存在 / no such file or folder"))
    return list(dict.fromkeys(found)), skipped


def letter_id_for(path: Path, taken: set[str]) -> str:
    """The file name without extension, or with it when that id is taken; never a path-like id."""
    for candidate in (path.stem, path.name):
        safe = UNSAFE_ID.sub("_", candidate)
        if safe not in taken:
            return safe
    n = 2
    while f"{UNSAFE_ID.sub('_', path.name)}~{n}" in taken:
        n += 1
    return f"{UNSAFE_ID.sub('_', path.name)}~{n}"


class LetterError(ValueError):
    """A file that cannot become a letter (unreadable, empty, not a reply letter)."""


def read_letter(path: Path, letter_id: str) -> Letter:
    """Extract, clean and parse one file; raise ``LetterError`` with the reason when it cannot be."""
    try:
        return parse_letter(extract_text(path), letter_id, str(path))
    except (UnreadableDocument, MalformedLetter) as err:
        raise LetterError(str(err)) from err
