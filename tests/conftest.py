"""Shared fixtures: the real seed index and the seed + dev_letters index, each built once per session
into temporary directories (DAFU_INDEX_DIR / DAFU_CACHE_DIR never point at a user's data).

Tiers: a test is marked ``model`` here when it uses one of ``MODEL_FIXTURES`` (directly or through another
fixture) or when its code or one of its fixtures' code calls what embeds (``MODEL_CALLS``: build_index,
load_encoder, ``python -m dafu index`` ...); ``make test-fast`` runs ``-m "not model and not browser"``, where
a test that loads the embedding model all the same fails and says so."""
from __future__ import annotations

import inspect
import os
import re
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

MODEL_FIXTURES = {"seed_index", "seed_searcher", "dev_index", "dev_searcher", "archive_index", "archive_searcher",
                  "milvus_seed", "milvus_dev"}
# calls that embed or build an index: a test whose own code or any of whose fixtures' code holds one needs the model
MODEL_CALLS = re.compile(r"\bbuild_index\(|\bload_encoder\(|\bE5Encoder\(|\bensure_e5_model\(|"
                         r"SentenceTransformer\(|\"-m\", \"dafu\", \"(?:index|search|ask|dupes|eval|serve)\"")


def _needs_model(item) -> bool:
    if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    functions = [getattr(item, "obj", None)]
    info = getattr(item, "_fixtureinfo", None)
    for definitions in (info.name2fixturedefs.values() if info else ()):
        functions += [d.func for d in definitions]
    for function in functions:
        try:
            if function is not None and MODEL_CALLS.search(inspect.getsource(function)):
                return True
        except (OSError, TypeError):
            continue
    return False


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _needs_model(item):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session", autouse=True)
def _no_model_in_fast_tier(request):
    """In a run that deselects ``model`` tests, loading the embedding model (in a test or in any fixture) is a
    missing mark, not a slow test: it fails at once."""
    if "not model" not in (request.config.getoption("markexpr") or ""):
        yield
        return
    from dafu.index import e5convert, encoder

    def refuse(*args, **kwargs):
        pytest.fail("this test loads the embedding model but is not marked `model`: use a fixture of "
                    "MODEL_FIXTURES or extend MODEL_CALLS (tests/conftest.py)", pytrace=False)

    with pytest.MonkeyPatch.context() as patch:
        for cls in (encoder.E5Encoder, encoder.SentenceTransformerEncoder):
            patch.setattr(cls, "encode_queries", refuse)
            patch.setattr(cls, "encode_passages", refuse)
        patch.setattr(encoder, "_load_sentence_transformer", refuse)
        patch.setattr(e5convert, "ensure_e5_model", refuse)
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


@pytest.fixture(scope="session")
def archive_index(dev_index, isolated_data) -> Path:
    """A member's archive: the bundled and dev letters plus the topics letters (tests/data/topics) and the
    labelled pair letters (tests/data/pairs), grown from a copy of the dev index (nothing embedded twice)."""
    import shutil

    from dafu.index.build import build_index

    directory = isolated_data / "archive-index"
    shutil.copytree(dev_index, directory)
    build_index([data_path("topics", "letters"), data_path("pairs", "letters")], index_dir=directory)
    return directory


@pytest.fixture(scope="session")
def archive_searcher(archive_index):
    from dafu.search.api import Searcher

    return Searcher.open(archive_index)


@pytest.fixture(scope="session")
def milvus_uri(isolated_data):
    """A milvus-lite gRPC server (``milvus-lite server``) for the session: the test process and the ``dafu``
    processes it starts share it as they would a Milvus standalone."""
    import socket
    import subprocess
    import sys
    import time

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(isolated_data / "milvus-lite.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(isolated_data / "milvus"),
                             "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"milvus-lite server did not start: {(isolated_data / 'milvus-lite.log').read_text()}")
            time.sleep(0.2)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)
    log.close()


def milvus_env(uri: str, collection: str) -> dict[str, str]:
    """The settings that select the Milvus index ``collection`` at ``uri``."""
    return {"DAFU_BACKEND": "milvus", "DAFU_MILVUS_URI": uri, "DAFU_MILVUS_COLLECTION": collection}


def _migrated(index_dir: Path, env: dict[str, str]):
    """``index_dir``'s FAISS index migrated to Milvus (``dafu migrate``: its vectors, nothing embedded) and a
    Searcher over it."""
    from dafu.index.milvus_write import migrate
    from dafu.search.api import Searcher

    with pytest.MonkeyPatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        migrate(index_dir)
        return Searcher.open(index_dir)


@pytest.fixture(scope="session")
def milvus_seed(seed_index, milvus_uri):
    """(environment, Searcher) of the seed index on Milvus."""
    env = milvus_env(milvus_uri, "seed")
    return env, _migrated(seed_index, env)


@pytest.fixture(scope="session")
def milvus_dev(dev_index, milvus_uri):
    """(environment, Searcher) of the seed + dev letters index on Milvus."""
    env = milvus_env(milvus_uri, "dev")
    return env, _migrated(dev_index, env)
