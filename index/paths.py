"""Where dafu keeps its data: the index directory and the model cache."""
from __future__ import annotations

import os
from pathlib import Path


def data_home() -> Path:
    """The per-user data directory (``$XDG_DATA_HOME/dafu``, else ``~/.local/share/dafu``)."""
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "dafu"


def index_dir(explicit: str | os.PathLike | None = None) -> Path:
    """``explicit``, else ``DAFU_INDEX_DIR``, else the per-user data dir."""
    return Path(explicit or os.environ.get("DAFU_INDEX_DIR") or data_home() / "index").expanduser()


def cache_dir() -> Path:
    """Converted models live here: ``DAFU_CACHE_DIR``, else the per-user data dir."""
    return Path(os.environ.get("DAFU_CACHE_DIR") or data_home() / "models").expanduser()
