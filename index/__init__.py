"""Chunks -> embeddings + BM25 keyword index + chunk store, in one index directory."""
