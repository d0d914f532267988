"""Running an ONNX encoder (kb/encoder/onnx_export.py) with ONNX Runtime: no torch in the process.

Does what sentence-transformers does for e5 (tokenise with the model's own tokenizer, run the
transformer, mean-pool over real tokens, L2-normalise), so the vectors are the sentence-transformers
model's: up to float rounding for the fp32 export, up to the quantisation error for int8 (cosine
>= 0.99 per text; benchmarks/embedding_speed.py prints both). Texts are
batched by length and by a token budget, so a batch carries little padding.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from kb.encoder.onnx_export import ONNX_FOLDER, onnx_path

MAX_TOKENS = 512
TOKEN_BUDGET = 768  # tokens of one forward pass, padding included (see OnnxEncoder.encode)


class OnnxEncoder:
    """Mean-pooled, L2-normalised vectors from an ONNX export of a BERT encoder."""

    def __init__(self, model_dir: Path, encoder: str, threads: int | None = None) -> None:
        folder = model_dir / ONNX_FOLDER
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or os.cpu_count() or 1
        options.inter_op_num_threads = 1
        # idle worker threads sleep instead of spinning: on two cores shared with the web server,
        # Chroma and other requests, spinning threads burn the CPU the others need
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(onnx_path(model_dir, encoder)), options, providers=["CPUExecutionProvider"])
        # one tokenizer, without truncation or padding (a loaded tokenizer of this 250k-piece model
        # takes about 290 MiB, so not a second one for counting): `encode` cuts and pads itself
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        pad = self.tokenizer.token_to_id("<pad>")
        self.pad_id = 1 if pad is None else pad
        self.dim = int(self.session.get_outputs()[0].shape[-1] or 0) or self._probe_dim()
        self.max_seq_length = MAX_TOKENS

    def _probe_dim(self) -> int:
        return int(self.encode(["dimensie"], batch_size=1).shape[1])

    def _tokens(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, cut to MAX_TOKENS as the model's tokenizer would (its content
        shortened, its closing special token kept)."""
        rows = [e.ids for e in self.tokenizer.encode_batch(texts, add_special_tokens=True)]
        return [r if len(r) <= MAX_TOKENS else [*r[: MAX_TOKENS - 1], r[-1]] for r in rows]

    def _padded(self, rows: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Token ids and attention mask of `rows`, padded to the longest."""
        width = max(len(r) for r in rows)
        ids = np.full((len(rows), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(rows), width), dtype=np.int64)
        for i, row in enumerate(rows):
            ids[i, : len(row)] = row
            mask[i, : len(row)] = 1
        return ids, mask

    def count_tokens(self, text: str) -> int:
        """Tokens of `text`, special tokens included, without truncation (the chunker measures long texts)."""
        return len(self.tokenizer.encode(text, add_special_tokens=True).ids)

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        """(len(texts), dim) float32, L2-normalised, in the order of `texts`.

        Texts go in order of length, at most `batch_size` and at most TOKEN_BUDGET tokens (padding
        included) to a forward pass: measured on 2 cores, ONNX Runtime embeds 300-token passages
        about 1.5x faster two at a time than sixteen at a time (9.4 -> 14.9 a second), while short
        sentences still want batches of 16 (69 a second one by one, 122 sixteen at a time).
        """
        rows = self._tokens(texts)
        order = sorted(range(len(texts)), key=lambda i: len(rows[i]))
        out = np.zeros((len(texts), 0), np.float32)
        for chosen in _batches(order, [len(r) for r in rows], batch_size):
            ids, mask = self._padded([rows[i] for i in chosen])
            hidden = self.session.run(["last_hidden_state"], {"input_ids": ids, "attention_mask": mask})[0]
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            if out.shape[1] == 0:
                out = np.zeros((len(texts), pooled.shape[1]), np.float32)
            out[chosen] = pooled
        return out


def _batches(order: list[int], lengths: list[int], batch_size: int) -> list[list[int]]:
    """`order` (by increasing length) cut into batches of at most `batch_size` texts whose padded
    size (texts x longest) stays within TOKEN_BUDGET; a text longer than the budget goes alone."""
    batches: list[list[int]] = []
    current: list[int] = []
    for i in order:
        if current and (len(current) >= batch_size or (len(current) + 1) * lengths[i] > TOKEN_BUDGET):
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
