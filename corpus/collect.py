"""Finding letter files on disk, giving each a letter id, and reading them into ``Letter`` records."""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath

from .formats import SUPPORTED_SUFFIXES, UnreadableDocument, extract_text
from .models import Letter
from .parse import MalformedLetter, parse_letter

UNSAFE_ID = re.compile(r"[/\\\x00-\x1f\x7f]|\.\.")
MAX_ID_CHARS = 200  # the web app refuses longer ids
_INVISIBLE = ("Cc", "Cf", "Cs", "Zl", "Zp")


@dataclass
class Skipped:
    """A file that was not indexed, and why."""

    source: str
    reason: str


def bundled_corpus_dir() -> Path:
    """The seed letters shipped with dafu: the default corpus."""
    return Path(__file__).resolve().parent / "letters"


def display_path(path) -> str:
    """``path`` as text that can be printed, stored as UTF-8 and shown: a name whose bytes are not UTF-8 (a GBK
    name unpacked from a zip made on Windows, which Python holds as lone surrogates) is read as GB18030, and
    bytes that are neither show as ``\\xNN``. Ordinary paths come back unchanged."""
    text = os.fspath(path)
    if isinstance(text, str):
        try:
            text.encode("utf-8")
            return text
        except UnicodeEncodeError:
            text = os.fsencode(text)
    parts = []
    for part in text.split(b"/"):
        for encoding, errors in (("utf-8", "strict"), ("gb18030", "strict"), ("utf-8", "backslashreplace")):
            try:
                parts.append(part.decode(encoding, errors))
                break
            except UnicodeDecodeError:
                continue
    return "/".join(parts)


def resolve_path(raw) -> Path:
    """A path named by the user, absolute and with symbolic links resolved where they can be (a link loop
    stays as named, to be reported)."""
    path = Path(os.path.expanduser(os.fspath(raw)))
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (Python < 3.13)
        return Path(os.path.abspath(path))


def find_letter_files(paths) -> tuple[list[Path], list[Skipped]]:
    """Letter files named by ``paths`` (files or folders, searched recursively, following links to folders
    once), and every file or folder that was passed over, with the reason: unsupported type, hidden, a
    symbolic link loop or broken link, an unreadable folder, a path that does not exist."""
    found: list[Path] = []
    skipped: list[Skipped] = []
    for raw in paths:
        path = resolve_path(raw)
        try:
            info = os.stat(path)
        except OSError as err:
            skipped.append(Skipped(display_path(path), _stat_reason(path, err)))
            continue
        if stat.S_ISDIR(info.st_mode):
            found += _walk(path, info, skipped)
        else:
            _add_file(path, info, found, skipped)
    return list(dict.fromkeys(found)), skipped


def _walk(root: Path, info: os.stat_result, skipped: list[Skipped]) -> list[Path]:
    """The files under ``root``, originals before their copies (``X`` before ``X-副本``, ``X (1)``, ``X copy``).
    Folders reached through symbolic links are searched after the real ones, and each folder once."""
    files: list[Path] = []
    seen = {(info.st_dev, info.st_ino)}
    folders: list[Path] = [root]
    links: list[Path] = []
    while folders or links:
        if folders:
            folder = folders.pop()
        else:
            folder = links.pop(0)
            try:
                target = os.stat(folder)
            except OSError as err:
                skipped.append(Skipped(display_path(folder), _stat_reason(folder, err)))
                continue
            key = (target.st_dev, target.st_ino)
            if key in seen:
                skipped.append(Skipped(display_path(folder), _repeat_reason(folder)))
                continue
            seen.add(key)
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as err:
            skipped.append(Skipped(display_path(folder),
                                   f"无法读取文件夹 / cannot read folder: {err.strerror or err}"))
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                skipped.append(Skipped(display_path(path), "隐藏的文件或文件夹，未读取 / hidden file or folder, not read"))
                continue
            try:
                target = os.stat(path)
                link = entry.is_symlink()
            except OSError as err:
                skipped.append(Skipped(display_path(path), _stat_reason(path, err)))
                continue
            if not stat.S_ISDIR(target.st_mode):
                _add_file(path, target, files, skipped)
            elif link:
                links.append(path)
            elif (target.st_dev, target.st_ino) in seen:
                skipped.append(Skipped(display_path(path), _repeat_reason(path)))
            else:
                seen.add((target.st_dev, target.st_ino))
                folders.append(path)
    return sorted(files, key=_original_first)


def _original_first(path: Path) -> tuple:
    """Sort key: by folder, then name without extension, so that ``X.txt`` comes before ``X-副本.txt``,
    ``X (1).txt`` and ``X copy.txt`` and the original keeps the id ``X``."""
    return (str(path.parent), path.stem, path.suffix.lower(), path.name)


def _add_file(path: Path, info: os.stat_result, found: list[Path], skipped: list[Skipped]) -> None:
    suffix = PurePath(display_path(path)).suffix
    if suffix.lower() not in SUPPORTED_SUFFIXES:
        skipped.append(Skipped(display_path(path), f"不支持的文件类型 / unsupported file type {suffix!r}"))
    elif not stat.S_ISREG(info.st_mode):
        skipped.append(Skipped(display_path(path), "不是普通文件 / not a regular file"))
    else:
        found.append(path)


def _stat_reason(path: Path, err: OSError) -> str:
    if err.errno == errno.ELOOP:
        return "符号链接循环 / symbolic link loop"
    if err.errno == errno.ENOENT and os.path.islink(path):
        return "符号链接指向的目标不存在 / broken symbolic link"
    if err.errno in (errno.ENOENT, errno.ENOTDIR):
        return "路径不存在 / no such file or folder"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "没有读取权限 / permission denied"
    return f"无法读取 / cannot read: {err.strerror or err}"


def _repeat_reason(path: Path) -> str:
    target = os.path.realpath(path)
    if (os.path.realpath(path.parent) + os.sep).startswith(target.rstrip(os.sep) + os.sep):
        return "符号链接循环（指向上层文件夹），未再次读取 / symbolic link loop (points to a folder above it), not followed"
    return "文件夹已读取过（经符号链接重复到达）/ folder already searched (reached again through a symbolic link)"


def safe_id(name: str, reserve: int = 0) -> str:
    """``name`` as a letter id the web app can open: no ``/``, ``\\``, ``..``, control, invisible or
    surrogate characters, no leading or trailing spaces, at most ``MAX_ID_CHARS - reserve`` characters
    (longer names are cut and keep a short hash, so that two long names stay apart)."""
    text = "".join("_" if unicodedata.category(c) in _INVISIBLE else c for c in name)
    text = UNSAFE_ID.sub("_", text).strip()
    if not text.strip("."):
        text = "_" * max(len(text), 1)
    room = MAX_ID_CHARS - reserve
    if len(text) > room:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
        text = text[:room - len(digest) - 1].rstrip() + "~" + digest
    return text


def letter_id_for(path: Path, taken: set[str]) -> str:
    """The file name without extension, or with it when that id is taken; never a path-like id."""
    name = PurePath(display_path(path))
    for candidate in (name.stem, name.name):
        safe = safe_id(candidate)
        if safe not in taken:
            return safe
    base = safe_id(name.name, reserve=8)
    n = 2
    while f"{base}~{n}" in taken:
        n += 1
    return f"{base}~{n}"


class LetterError(ValueError):
    """A file that cannot become a letter (unreadable, empty, not a reply letter)."""


def read_letter(path: Path, letter_id: str) -> Letter:
    """Extract, clean and parse one file; raise ``LetterError`` with the reason when it cannot be. No file
    stops a build: whatever goes wrong with one is its reason."""
    try:
        return parse_letter(extract_text(path), letter_id, display_path(path))
    except UnreadableDocument as err:
        raise LetterError(err.reason) from err
    except MalformedLetter as err:
        raise LetterError(f"没有可用的正文 / no usable body text ({err})") from err
    except ValueError as err:
        if "DAFU_MAX_FILE_MB" in str(err):  # a bad setting is not a bad file
            raise
        raise LetterError(f"解析出错 / cannot parse: {type(err).__name__}: {_text(err)}") from err
    except (RecursionError, MemoryError) as err:
        raise LetterError(f"文件过于复杂，无法解析 / too complex to parse ({type(err).__name__})") from err
    except Exception as err:  # noqa: BLE001 - reported per file, never stops the build
        raise LetterError(f"解析出错 / cannot parse: {type(err).__name__}: {_text(err)}") from err


def _text(err: Exception) -> str:
    """An error message that can be printed and stored (a path in it may hold undecodable bytes)."""
    return str(err).encode("utf-8", "backslashreplace").decode("utf-8")
