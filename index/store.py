"""The index directory: generations written aside and switched to atomically, each read back as an
``IndexBackend`` of the embedded store (``index/sqlstore.py``)."""
from __future__ import annotations

import errno
import json
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from ..corpus import settings
from .backend import IndexMissing, OldIndexFormat
from .sqlstore import FORMAT, EmbeddedIndex

CURRENT = "CURRENT"
GENERATIONS = "generations"
KEEP_GENERATIONS = 2


class DiskFull(OSError):
    """A generation could not be written for lack of space; nothing of it is left behind."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()


@contextmanager
def build_lock(index_dir: Path):
    """One build at a time per index directory (readers never wait); works on every platform (filelock)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(index_dir / ".lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise RuntimeError(f"另一个索引构建正在进行 / another build holds {index_dir}") from None
    try:
        yield
    finally:
        lock.release()


def remove_temporary(index_dir: Path) -> list[Path]:
    """Remove what killed or failed builds left (half-written generations, pointer files); call it under
    ``build_lock``. Returns what was removed."""
    leftovers = [p for p in index_dir.glob(f".{CURRENT}.*") if p.is_file()]
    generations = index_dir / GENERATIONS
    if generations.is_dir():
        leftovers += [p for p in generations.iterdir() if p.name.startswith(".tmp-")]
    for path in leftovers:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return leftovers


def current_generation(index_dir: Path) -> Path | None:
    """The generation the index directory points to, if any."""
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    path = index_dir / GENERATIONS / name
    return path if (path / "manifest.json").exists() else None


def write_generation(index_dir: Path, data) -> Path:
    """Write ``data`` (a ``NewGeneration`` of a build, or a loaded generation) as a new generation, then point CURRENT at it with one atomic rename. On any failure
    (disk full, interrupted) nothing of the new generation is left and CURRENT is unchanged; a full disk
    raises ``DiskFull`` saying how much space the index needs."""
    generations = index_dir / GENERATIONS
    generations.mkdir(parents=True, exist_ok=True)
    name = time.strftime("gen-%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
    tmp = generations / f".tmp-{name}"
    final = generations / name
    pointer = index_dir / f".{CURRENT}.{uuid.uuid4().hex[:6]}"
    switched = False
    try:
        tmp.mkdir()
        data.write_to(tmp, save=np.save)
        (tmp / "manifest.json").write_text(json.dumps({**data.manifest, "generation": name},
                                                      ensure_ascii=False, indent=2), encoding="utf-8")
        _fsync_tree(tmp)
        os.rename(tmp, final)
        pointer.write_text(name, encoding="utf-8")
        os.replace(pointer, index_dir / CURRENT)
        switched = True
    except BaseException as err:
        if current_generation(index_dir) == final:  # interrupted right after the switch: keep it
            switched = True
            raise
        for path in (tmp, final):
            shutil.rmtree(path, ignore_errors=True)
        pointer.unlink(missing_ok=True)
        if _is_disk_full(err):
            raise DiskFull(errno.ENOSPC, _disk_full_message(index_dir, data)) from err
        raise
    finally:
        if switched:
            _prune(generations, keep=name)
    return final


def estimated_size(data) -> int:
    """About how many bytes a generation of ``data`` takes on disk."""
    return int(data.estimated_size())


def _is_disk_full(err: BaseException) -> bool:
    if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    text = str(err)  # faiss and bm25s report write failures as RuntimeError text
    return "No space left" in text or "Disk quota" in text


def _disk_full_message(index_dir: Path, data) -> str:
    needed = estimated_size(data)
    try:
        free = f"{shutil.disk_usage(index_dir).free / 2**20:.1f} MB"
    except OSError:
        free = "?"
    return (f"磁盘空间不足：写入索引约需 {needed / 2**20:.1f} MB，{index_dir} 所在磁盘剩余 {free}；"
            f"未写入任何内容，原索引不变 / disk full: the index needs about {needed / 2**20:.1f} MB, "
            f"{free} free at {index_dir}; nothing was written, the previous index is unchanged")


def load_generation(index_dir: Path) -> EmbeddedIndex:
    """Open the current generation; raise ``IndexMissing`` when there is none and ``OldIndexFormat`` when it
    was written by a dafu before the SQLite store (rebuild it with ``dafu index --rebuild``)."""
    path = current_generation(index_dir)
    if path is None:
        raise IndexMissing(f"索引不存在 / no index in {index_dir}: run `dafu index` first")
    manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT or not (path / "store.sqlite").exists():
        raise OldIndexFormat(f"索引格式已过时，请运行 dafu index --rebuild 重建（原来信不变） / the index in "
                             f"{index_dir} was written by an older dafu: run `dafu index --rebuild` "
                             f"(add your letter folders again)")
    return EmbeddedIndex(path)


def open_generation(index_dir: Path, backend: str | None = None):
    """The current generation of the index ``index_dir`` names, on ``backend`` (default ``DAFU_BACKEND``):
    the embedded store in the directory, or the Milvus collections (``index/milvus.py``)."""
    if (backend or settings.backend()) == "milvus":
        from .milvus import open_milvus

        return open_milvus(index_dir)
    return load_generation(index_dir)


def switch_to(index_dir: Path, data, backend: str | None = None, progress: bool = False) -> str:
    """Write ``data`` as the new current generation on ``backend``; the generation's name."""
    if (backend or settings.backend()) == "milvus":
        from .milvus import Milvus
        from .milvus_write import write_milvus

        return write_milvus(Milvus(index_dir), data, progress)
    return write_generation(index_dir, data).name


def _prune(generations: Path, keep: str) -> None:
    """Drop leftovers of killed builds and all but the newest finished generations."""
    finished = sorted(p for p in generations.iterdir() if p.name.startswith("gen-"))
    stale = [p for p in finished if p.name != keep][: max(0, len(finished) - KEEP_GENERATIONS)]
    stale += [p for p in generations.iterdir() if p.name.startswith(".tmp-")]  # killed builds (under the lock)
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def _fsync_tree(directory: Path) -> None:
    for path in directory.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
