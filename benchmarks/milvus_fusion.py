"""Hybrid ranking on Milvus: dafu's own fusion (search/retrieve.py over the backend's dense and keyword lists)
beside Milvus's ``hybrid_search`` with its RRF and weighted rankers, on the same candidates (100 per side).

    DAFU_BACKEND=milvus python benchmarks/milvus_fusion.py --index-dir SEED_INDEX tests/data/eval/dev.jsonl
    DAFU_BACKEND=milvus python benchmarks/milvus_fusion.py --index-dir DEV_INDEX tests/data/eval/dev_real.jsonl

Prints hit@1, hit@5 and MRR@10 of each (the metrics of ``dafu eval``).
"""
from __future__ import annotations

import argparse
import json


def main() -> None:
    from pymilvus import AnnSearchRequest, RRFRanker, WeightedRanker

    from dafu.corpus.normalize import normalize_for_index
    from dafu.index.backend import query_tokens
    from dafu.index.milvus_query import query_text
    from dafu.search.api import Searcher
    from dafu.search.evaluate import evaluate_retrieval, first_hit_rank, load_questions, retrieval_metrics

    p = argparse.ArgumentParser()
    p.add_argument("questions")
    p.add_argument("--index-dir", required=True)
    p.add_argument("--pool", type=int, default=100)
    args = p.parse_args()
    searcher = Searcher.open(args.index_dir)
    index, questions = searcher.index, load_questions(args.questions)
    rankers = {"milvus RRF k=60": RRFRanker(60), **{f"milvus weighted {w}/{1 - w:.1f}": WeightedRanker(w, 1 - w)
                                                    for w in (0.3, 0.5, 0.7)}}
    out = {"dafu fusion": evaluate_retrieval(searcher, questions, mode="hybrid")}
    for name, ranker in rankers.items():
        ranks = []
        for question in questions:
            text = normalize_for_index(question["q"])
            requests = [AnnSearchRequest([searcher.embed_queries([text])[0].tolist()], "vector",
                                         {"metric_type": "IP"}, args.pool),
                        AnnSearchRequest([query_text(query_tokens(text))], "sparse", {"metric_type": "BM25"}, args.pool)]
            found = index.client.hybrid_search(index.passages, requests, ranker=ranker, limit=10, output_fields=["row"])
            results = [searcher.result(int(hit["row"]), rank, hit["distance"]) for rank, hit in enumerate(found[0], 1)]
            ranks.append(first_hit_rank(results, question["gold"]))
        out[name] = retrieval_metrics(ranks)
    for name, metrics in out.items():
        print(json.dumps({"ranking": name, **{k: round(v, 3) if isinstance(v, float) else v
                                              for k, v in metrics.items()}}, ensure_ascii=False))


if __name__ == "__main__":
    main()
