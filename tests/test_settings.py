"""One settings module: every environment variable dafu reads is listed in corpus/settings.py with its default,
read nowhere else, and mirrored in the README's Settings table."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from dafu.corpus import settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("corpus", "index", "search", "web", "dafu")


def test_only_the_settings_module_reads_the_environment():
    readers = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "corpus" / "settings.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if re.search(r"os\.environ|os\.getenv|from_prefixed_env", line):
                    readers.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not readers, "read the environment through corpus/settings.py:\n" + "\n".join(readers)


def test_every_variable_the_settings_module_reads_is_listed():
    source = (ROOT / "corpus" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r'raw\("([A-Z0-9_]+)"\)', source)) | set(re.findall(r'setdefault\("([A-Z0-9_]+)"', source))
    read |= {"DAFU_" + key for key in settings.WEB_DEFAULTS}
    assert read <= settings.NAMES, sorted(read - settings.NAMES)


def test_readme_settings_table_mirrors_the_module():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Settings", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z0-9_]+)` \| (.*?) \|", section, flags=re.M)
    assert [name for name, _ in rows] == [s.name for s in settings.SETTINGS]
    for (name, default), setting in zip(rows, settings.SETTINGS):
        assert setting.default in default, (name, default)


def test_defaults_and_overrides(monkeypatch, tmp_path):
    for name in settings.NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert settings.index_dir() == tmp_path / ".local" / "share" / "dafu" / "index"
    assert settings.cache_dir() == tmp_path / ".local" / "share" / "dafu" / "models"
    assert settings.model() is None and settings.e5_backend() == "auto" and settings.threads() >= 1
    assert settings.max_file_mb() == 20 and settings.llm_url() is None and settings.llm_timeout() == 30
    assert settings.web_config() == settings.WEB_DEFAULTS
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("DAFU_CACHE_DIR", "  ")  # blank counts as unset
    assert settings.cache_dir() == tmp_path / "xdg" / "dafu" / "models"
    monkeypatch.setenv("DAFU_INDEX_DIR", str(tmp_path / "ix"))
    monkeypatch.setenv("DAFU_TOP_K", "20")
    monkeypatch.setenv("DAFU_EXAMPLES", '["问题一"]')
    monkeypatch.setenv("DAFU_THREADS", "3")
    config = settings.web_config()
    assert config["TOP_K"] == 20 and config["EXAMPLES"] == ["问题一"] and config["INDEX_DIR"] == str(tmp_path / "ix")
    assert settings.index_dir() == tmp_path / "ix" and settings.threads() == 3
    for name, value in (("DAFU_THREADS", "0"), ("DAFU_MAX_FILE_MB", "-1"), ("DAFU_LLM_TIMEOUT", "soon"),
                        ("DAFU_E5_BACKEND", "gpu")):
        monkeypatch.setenv(name, value)
    for read in (settings.threads, settings.max_file_mb, settings.llm_timeout, settings.e5_backend):
        with pytest.raises(ValueError):
            read()


def test_web_app_takes_its_settings_from_the_environment(monkeypatch):
    from dafu.web.app import create_app

    monkeypatch.setenv("DAFU_MAX_QUERY_CHARS", "40")
    app = create_app(searcher=object())
    assert app.config["MAX_QUERY_CHARS"] == 40 and app.config["TOP_K"] == settings.WEB_DEFAULTS["TOP_K"]
    monkeypatch.setenv("DAFU_TOP_K", "0")
    with pytest.raises(ValueError, match="DAFU_TOP_K"):
        create_app(searcher=object())
