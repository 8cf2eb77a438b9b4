"""Shared fixtures: the real seed index and the seed + dev_letters index, each built once per session
into temporary directories (DAFU_INDEX_DIR / DAFU_CACHE_DIR never point at a user's data).

Tiers: a test that uses one of ``MODEL_FIXTURES`` (directly or through another fixture), or is listed in
``MODEL_MODULES`` or ``MODEL_TESTS``, is marked ``model`` here; ``make test-fast`` runs
``-m "not model and not browser"``, where a test that loads the embedding model anyway fails and says so."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def data_path(*parts: str) -> Path:
    """A file or folder under tests/data/; a missing one stops the run loudly (tests never read outside the repo)."""
    path = DATA.joinpath(*parts)
    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        raise FileNotFoundError(f"test data missing: {path} (tests read only files inside the repository)")
    return path


EVAL = data_path("eval")
DEV_JSONL = data_path("eval", "dev.jsonl")
DEV_REAL_JSONL = data_path("eval", "dev_real.jsonl")
DEV_LETTERS = data_path("eval", "dev_letters")
SEEDS = ROOT / "corpus" / "letters"

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

MODEL_FIXTURES = {"seed_index", "seed_searcher", "dev_index", "dev_searcher", "xss_client"}
# modules whose tests build indexes or run the encoder themselves rather than through a fixture
MODEL_MODULES = {"test_e5convert", "test_encoder", "test_index", "test_ingest", "test_bundle"}
# tests that run the model in a ``python -m dafu`` subprocess, where the guard below cannot see it
MODEL_TESTS = {"test_first_use_builds_index_and_prints_cited_passages"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if (MODEL_FIXTURES & set(getattr(item, "fixturenames", ())) or item.module.__name__ in MODEL_MODULES
                or item.originalname in MODEL_TESTS):
            item.add_marker(pytest.mark.model)


@pytest.fixture(autouse=True)
def _no_model_in_fast_tier(request, monkeypatch):
    """In a run that deselects ``model`` tests, loading the embedding model is a missing mark, not a slow test."""
    if request.node.get_closest_marker("model") or "not model" not in (request.config.getoption("markexpr") or ""):
        yield
        return
    from dafu.index import e5convert, encoder

    def refuse(*args, **kwargs):
        pytest.fail(f"{request.node.nodeid} loads the embedding model: use a fixture of MODEL_FIXTURES or add "
                    f"its module to MODEL_MODULES in tests/conftest.py", pytrace=False)

    for cls in (encoder.E5Encoder, encoder.SentenceTransformerEncoder):
        monkeypatch.setattr(cls, "encode_queries", refuse)
        monkeypatch.setattr(cls, "encode_passages", refuse)
    monkeypatch.setattr(encoder, "_load_sentence_transformer", refuse)
    monkeypatch.setattr(e5convert, "ensure_e5_model", refuse)
    yield


@pytest.fixture(scope="session", autouse=True)
def isolated_data(tmp_path_factory):
    """Point every dafu data path at this session's temporary directory."""
    base = tmp_path_factory.mktemp("dafu-data")
    saved = {k: os.environ.get(k) for k in ("DAFU_INDEX_DIR", "DAFU_CACHE_DIR", "XDG_DATA_HOME", "DAFU_MODEL")}
    os.environ["DAFU_INDEX_DIR"] = str(base / "default-index")
    os.environ["DAFU_CACHE_DIR"] = str(base / "models")
    os.environ["XDG_DATA_HOME"] = str(base / "xdg")
    os.environ.pop("DAFU_MODEL", None)
    yield base
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def seed_index(isolated_data) -> Path:
    """The bundled seed corpus indexed with the default e5 model."""
    from dafu.index.build import build_index

    directory = isolated_data / "seed-index"
    build_index(index_dir=directory)
    return directory


@pytest.fixture(scope="session")
def seed_searcher(seed_index):
    from dafu.search.api import Searcher

    return Searcher.open(seed_index)


@pytest.fixture(scope="session")
def dev_index(isolated_data) -> Path:
    """The bundled corpus plus the 40 real development letters."""
    from dafu.index.build import build_index

    directory = isolated_data / "dev-index"
    build_index(index_dir=directory)
    build_index([DEV_LETTERS], index_dir=directory)
    return directory


@pytest.fixture(scope="session")
def dev_searcher(dev_index):
    from dafu.search.api import Searcher

    return Searcher.open(dev_index)
