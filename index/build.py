"""Building the index: new and changed letters are parsed, chunked and embedded; the rest is reused."""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .. import __version__
from ..corpus.chunk import chunk_sections
from ..corpus.collect import (LetterError, Skipped, bundled_corpus_dir, display_path, find_letter_files,
                              letter_id_for, read_letter, resolve_path)
from ..corpus.formats import max_file_bytes
from ..corpus.models import Chunk, Letter
from ..corpus.normalize import normalize_for_index
from . import paths as index_paths
from .backend import IndexBackend, IndexMissing, ModelMismatch  # noqa: F401 - ModelMismatch is raised from here
from .copies import CopyBook
from .encoder import Encoder, load_encoder
from .keyword import tokenize_many
from .sqlwrite import NewGeneration
from .store import build_lock, open_generation, remove_temporary, switch_to


class PathNotFound(FileNotFoundError):
    """A path given to ``dafu index`` does not exist (a typo): nothing is built, the index is unchanged."""

    def __str__(self) -> str:
        return self.args[0] if self.args else super().__str__()


@dataclass
class BuildReport:
    """What one ``dafu index`` run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    duplicates: int = 0   # files recognised as copies of a letter (``copies``)
    skipped: list[Skipped] = field(default_factory=list)
    letters: int = 0
    chunks: int = 0
    embedded: int = 0
    seconds: float = 0.0
    generation: str | None = None
    failed: bool = False  # nothing could be indexed: no file given became a letter, or the index would be empty
    copies: list[dict] = field(default_factory=list)  # {"source", "letter_id", "similarity"}: indexed once, as that letter

    def summary(self) -> str:
        lines = [f"新增 {len(self.added)} 封，更新 {len(self.updated)} 封，删除 {len(self.removed)} 封，"
                 f"未变 {self.unchanged} 封，跳过 {len(self.skipped)} 个文件；"
                 f"共 {self.letters} 封信、{self.chunks} 个段落（本次嵌入 {self.embedded} 段），用时 {self.seconds:.1f} 秒"
                 f" / added {len(self.added)}, updated {len(self.updated)}, removed {len(self.removed)}, "
                 f"unchanged {self.unchanged}, skipped {len(self.skipped)}; {self.letters} letters, "
                 f"{self.chunks} passages ({self.embedded} embedded), {self.seconds:.1f} s"]
        lines += [f"  跳过 / skipped {s.source}: {s.reason}" for s in self.skipped]
        lines += [f"  副本 / copy {c['source']}: 与来信 {c['letter_id']} 为同一封信（文字重合 {c['similarity']:.0%}），"
                  f"只索引一次，列为其另一来源 / the same letter as {c['letter_id']} ({c['similarity']:.0%} of its "
                  f"text shared), indexed once and listed as one of its sources"
                  for c in self.copies if c["similarity"] < 1.0]  # the exact ones are among the skipped
        if self.generation:
            lines.append(f"索引版本 / index generation {self.generation}")
        elif self.failed:
            lines.append("没有可索引的来信，索引未改变 / nothing could be indexed: the index is unchanged")
        else:
            lines.append("索引未变化 / index unchanged")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return asdict(self)


def index_text(letter: dict, chunk: Chunk) -> str:
    """What is embedded and keyword-indexed for a chunk: its letter's title, agency, place and section, then
    the passage, all normalised (so a question naming the bureau or district finds the answering paragraph)."""
    header = " ".join(v for v in (letter.get("title"), letter.get("agency"), letter.get("region"),
                                  letter.get("session"), chunk.section) if v)
    return normalize_for_index(f"{header}\n{chunk.text}")


def build_index(paths=(), index_dir=None, model: str | None = None, rebuild: bool = False,
                progress: bool = False, encoder: Encoder | None = None, backend: str | None = None) -> BuildReport:
    """Add the letters under ``paths`` to the index (the bundled corpus when the index is empty and no
    paths are given), re-embedding only new or changed files, then switch to the new generation.
    ``backend``: ``faiss`` or ``milvus`` (default ``DAFU_BACKEND``)."""
    started = time.perf_counter()
    directory = index_paths.index_dir(index_dir)
    _check_paths(paths)
    max_file_bytes()  # a bad DAFU_MAX_FILE_MB stops here, not at every file
    with build_lock(directory):
        remove_temporary(directory)
        previous = None if rebuild else _load_or_none(directory, backend)
        encoder = encoder or load_encoder(model or _model_of(previous))
        _check_model(previous, encoder)
        if not paths and (previous is None or not previous.letter_count()):
            paths = [bundled_corpus_dir()]
        report = BuildReport()
        kept, fresh, book = _reconcile(previous, paths, report, progress)
        fresh = _chunked(fresh, report)
        sources = book.updates(kept)
        accepted = len(report.added) + len(report.updated) + report.unchanged + report.duplicates
        report.failed = not (kept or fresh) or (bool(paths) and accepted == 0)
        if not (kept or fresh) or (previous is not None and not (fresh or report.removed or sources)):
            # nothing new, or nothing at all: never switch to an empty index (a typo, a folder of bad files)
            live = previous if previous is not None else _load_or_none(directory, backend)
            report.letters, report.chunks = (live.letter_count(), live.chunk_count()) if live else (0, 0)
            report.added, report.updated, report.removed = [], [], []
            report.seconds = time.perf_counter() - started
            return report
        data = _assemble(previous, kept, fresh, encoder, progress, report, book.sources, sources)
        report.generation = switch_to(directory, data, backend, progress)
    report.letters, report.chunks = data.manifest["letter_count"], data.manifest["chunk_count"]
    report.seconds = time.perf_counter() - started
    return report


def _check_paths(paths) -> None:
    """Refuse, before anything is read or written, paths that do not exist (a broken link is reported later)."""
    missing = [display_path(resolve_path(p)) for p in paths if not os.path.lexists(resolve_path(p))]
    if missing:
        raise PathNotFound(f"路径不存在：{'、'.join(missing)}；未建索引，索引未改变"
                           f" / no such file or folder: {', '.join(missing)}; nothing was indexed, "
                           f"the index is unchanged")


def _load_or_none(directory: Path, backend: str | None = None) -> IndexBackend | None:
    try:
        return open_generation(directory, backend)
    except IndexMissing:
        return None


def _model_of(previous: IndexBackend | None) -> str | None:
    return previous.manifest["model"]["model"] if previous else None


def _check_model(previous: IndexBackend | None, encoder: Encoder) -> None:
    if previous is not None and previous.manifest["model"] != encoder.identity():
        raise ModelMismatch(
            f"索引由模型 {previous.manifest['model']['model']} 构建，不能加入 {encoder.name} 的向量；"
            f"请用 --rebuild 重建 / index was built with another model: use --rebuild")


def _reconcile(previous: IndexBackend | None, paths, report: BuildReport,
               progress: bool = False) -> tuple[dict[str, dict], list[Letter], CopyBook]:
    """Split the previous letters into kept ones and read the new or changed files named by ``paths``; a file
    that copies a letter is listed with it (``index/copies.py``), not read into a letter of its own."""
    fields = ("id", "source", "content_hash", "other_sources")
    kept = {row["id"]: row for row in (previous.letters(fields) if previous else [])}
    files, report.skipped = find_letter_files(paths)
    named = [resolve_path(p) for p in paths]
    found = {display_path(f) for f in files}
    book = CopyBook(previous, kept)
    orphans: list[str] = []

    def gone(source: str) -> bool:
        path = Path(source)
        return source not in found and any(path == p or path.is_relative_to(p) for p in named) and not path.exists()

    for source in [s for s in book.listed if gone(s)]:
        book.detach(source)
    for row in list(kept.values()):
        if gone(row["source"]):
            report.removed.append(kept.pop(row["id"])["id"])
            orphans += book.drop(row["id"])
    by_source = {row["source"]: row for row in kept.values()}
    read = _read_files(files + [Path(s) for s in orphans if s not in found and Path(s).exists()],
                       by_source, report, progress)
    taken = set(kept)
    hashes = {row["content_hash"]: row["id"] for row in kept.values()}
    fresh: list[Letter] = []
    for letter, old in sorted(read, key=lambda pair: pair[1] is None):  # changed letters before new files
        listed = book.unchanged_copy(letter.source, letter.content_hash) if old is None else None
        if listed is not None:
            _copy_found(report, letter, *listed)
            continue
        book.detach(letter.source)
        if old is not None:
            kept.pop(old["id"])
            book.forget(old["id"])
            hashes.pop(old["content_hash"], None)
        twin = hashes.get(letter.content_hash)
        copied = (twin, 1.0) if twin is not None else book.match(letter)
        if copied is not None:
            book.attach(letter, *copied)
            _copy_found(report, letter, *copied)
            if old is not None:  # a letter's file now holds another letter: it is that letter's copy
                report.removed.append(old["id"])
                book.drop(old["id"])
            continue
        letter.id = old["id"] if old else letter_id_for(Path(letter.source), taken)
        (report.updated if old else report.added).append(letter.id)
        taken.add(letter.id)
        hashes[letter.content_hash] = letter.id
        book.add(letter)
        fresh.append(letter)
    return kept, fresh, book


def _read_files(files: list[Path], by_source: dict[str, dict], report: BuildReport,
                progress: bool) -> list[tuple[Letter, dict | None]]:
    """Each new or changed file read into a letter (id not yet given), with the previous row of its source; an
    unchanged letter is only counted, a file that cannot be read is reported."""
    sources: set[str] = set()
    out = []
    for path in _reading(files, progress):
        source = display_path(path)
        if source in sources:  # two names that differ only in undecodable bytes
            report.skipped.append(Skipped(source, "文件名与另一个文件无法区分 / file name indistinguishable "
                                                  "from another file's"))
            continue
        sources.add(source)
        old = by_source.get(source)
        try:
            letter = read_letter(path, old["id"] if old else "")
            json.dumps(letter.to_dict(), ensure_ascii=False).encode("utf-8")  # storable, checked before embedding
        except LetterError as err:
            report.skipped.append(Skipped(source, str(err)))
            continue
        except UnicodeEncodeError:
            report.skipped.append(Skipped(source, "文件名或内容含无法保存的字符 / name or text holds characters "
                                                  "that cannot be stored (lone surrogates)"))
            continue
        if old and old["content_hash"] == letter.content_hash:
            report.unchanged += 1
            continue
        out.append((letter, old))
    return out


def _copy_found(report: BuildReport, letter: Letter, letter_id: str, similarity: float) -> None:
    """A file holding an indexed letter; one with all of its text (re-encoded, or the same file twice) is also
    listed as skipped, as before copies were recognised."""
    report.copies.append({"source": letter.source, "letter_id": letter_id, "similarity": similarity})
    report.duplicates += 1
    if similarity == 1.0:
        report.skipped.append(Skipped(letter.source, f"内容与已索引的 {letter_id} 重复，列为其另一来源 / duplicate of "
                                                     f"{letter_id}, listed as one of its sources"))


def _chunked(fresh: list[Letter], report: BuildReport) -> list[tuple[Letter, list[Chunk]]]:
    """Each fresh letter with its chunks; a letter that cannot be chunked is reported, not indexed."""
    out = []
    for letter in fresh:
        try:
            out.append((letter, chunk_sections(letter)))
        except Exception as err:  # noqa: BLE001 - one letter never stops a build
            report.skipped.append(Skipped(letter.source, f"无法切分段落 / cannot split into passages: "
                                                         f"{type(err).__name__}: {err}"))
            for names in (report.added, report.updated):
                if letter.id in names:
                    names.remove(letter.id)
    return out


def _reading(files: list, progress: bool):
    """The files, with a bar on stderr while they are read and parsed (``dafu index`` on a terminal)."""
    from tqdm import tqdm

    return tqdm(files, desc="读取来信 / reading", unit="个", disable=not progress or len(files) < 20, leave=False)


def _assemble(previous: IndexBackend | None, kept: dict[str, dict], fresh: list[tuple[Letter, list[Chunk]]],
              encoder: Encoder, progress: bool, report: BuildReport, sources: dict[str, list[dict]],
              kept_sources: dict[str, list[dict]]) -> NewGeneration:
    """Kept letters with their stored chunks, vectors and token ids (and, where ``kept_sources`` says, new lists
    of other sources), plus the fresh letters chunked, embedded and tokenised (only those), each with the other
    sources ``sources`` lists for it."""
    kept_ids = [lid for lid in previous.letter_ids() if lid in kept] if previous is not None else []
    rows: list[tuple[dict, list[Chunk]]] = []
    new_texts: list[str] = []
    for letter, pieces in fresh:
        row = {**letter.to_dict(), "chunks": len(pieces), "other_sources": sources.get(letter.id, [])}
        rows.append((row, pieces))
        new_texts.extend(index_text(row, c) for c in pieces)
    vectors = encoder.encode_passages(new_texts, progress=progress) if new_texts else \
        np.zeros((0, encoder.dim), np.float32)
    report.embedded = len(new_texts)
    tokens = tokenize_many(new_texts)
    hashes = [r["content_hash"] for r in kept.values()]
    manifest = {
        "dafu_version": __version__,
        "model": encoder.identity(),
        "dim": int(vectors.shape[1]) if len(vectors) else int(previous.dim if previous else encoder.dim),
        "corpus_hash": hashlib.sha256("".join(sorted(list(hashes) + [r["content_hash"] for r, _ in rows]))
                                      .encode()).hexdigest(),
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    return NewGeneration(manifest, previous, kept_ids, rows, vectors, tokens, kept_sources)
