"""Serving scales with cores: no request waits for another one (a slow LLM answer, a long draft)."""
from __future__ import annotations

import threading

from dafu.web.app import create_app


def test_a_slow_answer_does_not_hold_up_searches(seed_searcher, monkeypatch):
    from dafu.search import answer

    entered, release = threading.Event(), threading.Event()

    def slow_answer(*args, **kwargs):  # stands for an LLM endpoint that takes its time
        entered.set()
        release.wait(30)
        return {"question": "", "abstained": True, "answer": [], "conflicts": [], "passages": []}

    monkeypatch.setattr(answer, "answer_question", slow_answer)
    app = create_app(searcher=seed_searcher)
    asking = threading.Thread(target=lambda: app.test_client().get("/api/ask?q=医疗护理员培训补助标准是多少"))
    asking.start()
    try:
        assert entered.wait(30)
        found = app.test_client().get("/api/search?q=医疗护理员培训补助标准&k=3").get_json()["results"]
        assert found and asking.is_alive()  # the search was served while the answer was still held
    finally:
        release.set()
        asking.join(30)


def test_searches_in_parallel_threads_agree(seed_searcher):
    queries = ["医疗护理员培训补助标准是多少", "养老机构扶持资金", "湖里区养老", "家庭病床"] * 4
    expected = {q: seed_searcher.search(q, top_k=5) for q in set(queries)}
    results, errors = {}, []

    def run(i, q):
        try:
            results[i] = seed_searcher.search(q, top_k=5)
        except Exception as err:  # noqa: BLE001
            errors.append(err)

    threads = [threading.Thread(target=run, args=(i, q)) for i, q in enumerate(queries)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert all(results[i] == expected[q] for i, q in enumerate(queries))


def test_waitress_threads_follow_the_cores(monkeypatch):
    from dafu.web.serve import waitress_threads

    monkeypatch.setenv("DAFU_THREADS", "8")
    assert waitress_threads() == 16
    monkeypatch.setenv("DAFU_THREADS", "1")
    assert waitress_threads() == 4
