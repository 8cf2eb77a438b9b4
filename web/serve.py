"""``dafu serve``: the web app under waitress, building the index from the bundled corpus if there is none."""
from __future__ import annotations

import logging
import sys

from waitress import serve as waitress_serve

from ..search.api import IndexMissing, Searcher
from .app import create_app


def waitress_threads() -> int:
    """Request threads: two per compute core, at least 4 (a request waits on SQLite, the LLM or the client
    as well as computing; the encoder itself runs one embedding at a time on all cores)."""
    from ..corpus import settings

    return max(4, 2 * settings.threads())


def serve(index_dir=None, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Open (or first build) the index, load the query model, then serve until interrupted."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        searcher = Searcher.open(index_dir)
    except IndexMissing:
        print("还没有索引，正在用内置的答复函建立索引，请稍候… / no index yet: building it from the bundled "
              "corpus", file=sys.stderr, flush=True)
        searcher = Searcher.open(index_dir, build_if_missing=True, progress=sys.stderr.isatty())
    _warm_up(searcher)
    manifest = searcher.manifest
    print(f"dafu: {manifest.get('letter_count')} 封来信、{manifest.get('chunk_count')} 个段落；"
          f"请在浏览器打开 http://{_url_host(host)}:{port}/", file=sys.stderr, flush=True)
    app = create_app(index_dir, searcher=searcher)
    # waitress reads (and spools to disk) a whole body before the app sees it: refuse big ones from the header
    waitress_serve(app, host=host, port=port, threads=waitress_threads(), ident="dafu",
                   max_request_body_size=app.config["MAX_CONTENT_LENGTH"] + 1)


def _warm_up(searcher: Searcher) -> None:
    """Load the query model, the archive's places and the letter vectors now rather than on the first visitor's
    request."""
    searcher.load_query_model()
    searcher.known_places
    if hasattr(searcher, "similar_letters") and searcher.by_id:
        searcher.similar_letters(next(iter(searcher.by_id)), 1)


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
