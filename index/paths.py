"""Where dafu keeps its data: the index directory and the model cache (defaults in corpus/settings.py)."""
from __future__ import annotations

import os
from pathlib import Path

from ..corpus import settings


def data_home() -> Path:
    """The per-user data directory (``$XDG_DATA_HOME/dafu``, else ``~/.local/share/dafu``)."""
    return settings.data_home()


def index_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``explicit``, else ``DAFU_INDEX_DIR``, else the per-user data dir."""
    return Path(explicit).expanduser() if explicit else settings.index_dir()


def cache_dir() -> Path:
    """Converted models live here: ``DAFU_CACHE_DIR``, else the per-user data dir."""
    return settings.cache_dir()
