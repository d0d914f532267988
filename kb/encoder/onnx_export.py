"""The ONNX encoders: a model folder's BERT exported to ONNX and fused (fp32), and quantised (int8).

Why by hand: sentence-transformers runs ONNX models only through optimum, and optimum-onnx would
downgrade transformers (5.x -> 4.57). The steps are each one library call:
1. `torch.onnx.export` of the transformer (input ids and attention mask -> last hidden state);
2. `onnxruntime.transformers.optimizer.optimize_model`: fuses attention, GELU and layer norm;
3. `onnxruntime.quantization.quantize_dynamic`: int8 weights (uint8, per channel, reduced range:
   the AVX2 u8 kernels of this 2-core machine; the variant chosen in benchmarks/embedding_speed.py);
4. both models' weights saved beside them (`_weights_beside`), so sessions map them.
The pooling (mean over tokens) and L2 normalisation stay in numpy (kb/encoder/onnx_encoder.py).

The results are `<model folder>/onnx/model_fp32.onnx` (step 2: the model's own weights, the same
vectors as sentence-transformers up to float rounding) and `model_int8.onnx` (step 3), with a stamp
naming the source weights' sha256,
so a re-converted or re-tuned model gets a new export instead of a stale one. Export needs torch
(setup time only); running the encoder needs only onnxruntime and tokenizers.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import warnings
from pathlib import Path

from steunwijs.errors import ConfigurationError
from steunwijs.files import exclusive_lock, sha256_file

log = logging.getLogger(__name__)

ONNX_FOLDER = "onnx"
INT8_FILE = "model_int8.onnx"
FP32_FILE = "model_fp32.onnx"
FILES = {"onnx-fp32": FP32_FILE, "onnx-int8": INT8_FILE}  # by encoder setting
STAMP_FILE = "steunwijs_onnx.json"
EXPORT_VERSION = "3"
OPSET = 17
WEIGHTS = "model.safetensors"


class ExportFailed(ConfigurationError):
    """The model folder could not be exported to ONNX."""


def onnx_path(model_dir: Path, encoder: str) -> Path:
    """The ONNX file of an encoder setting ("onnx-fp32" or "onnx-int8")."""
    return model_dir / ONNX_FOLDER / FILES[encoder]


def _file_id(path: Path) -> str:
    """Size and modification time: the cheap test of whether the weights changed (hashing 470 MB
    costs a second at every start, and the model folder is only ever replaced as a whole)."""
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def _stamp(model_dir: Path) -> dict[str, str]:
    return {
        "version": EXPORT_VERSION,
        "weights_sha256": sha256_file(model_dir / WEIGHTS),
        "weights_file": _file_id(model_dir / WEIGHTS),
        "opset": str(OPSET),
    }


def is_current(model_dir: Path) -> bool:
    """Whether the folder holds both ONNX exports of its present weights (by size and time when
    those are unchanged since the export, else by the weights' sha256)."""
    stamp_path = model_dir / ONNX_FOLDER / STAMP_FILE
    files = [name for model in FILES.values() for name in (model, f"{model}.data")]
    if not all((model_dir / ONNX_FOLDER / name).is_file() for name in files) or not stamp_path.is_file():
        return False
    try:
        stamp = json.loads(stamp_path.read_text(encoding="utf-8"))
        if not isinstance(stamp, dict) or stamp.get("version") != EXPORT_VERSION or stamp.get("opset") != str(OPSET):
            return False
        if stamp.get("weights_file") == _file_id(model_dir / WEIGHTS):
            return True
        return stamp.get("weights_sha256") == sha256_file(model_dir / WEIGHTS)
    except (OSError, ValueError):
        return False


def ensure_onnx(model_dir: Path) -> bool:
    """Export `model_dir` to `onnx/` (fp32 and int8) unless current; True when it exported now.

    One export at a time per folder (a lock beside it); the files are written in a temporary folder
    and renamed into place, so a reader never sees half an export.
    """
    if not (model_dir / WEIGHTS).is_file():
        raise ExportFailed(
            f"In {model_dir} staat geen model om naar ONNX om te zetten. Voer eerst `steunwijs setup-model` uit.",
            f"No {WEIGHTS} in {model_dir} to export; run `steunwijs setup-model` first.",
        )
    with exclusive_lock(model_dir.parent / f".{model_dir.name}.onnx.lock"):
        if is_current(model_dir):
            return False
        log.info("exporting %s to ONNX encoders (once, about a minute)", model_dir)
        work = Path(tempfile.mkdtemp(prefix=".int8-", dir=model_dir))
        try:
            _export(model_dir, work)
            (work / STAMP_FILE).write_text(json.dumps(_stamp(model_dir)), encoding="utf-8")
            target = model_dir / ONNX_FOLDER
            if target.exists():
                shutil.rmtree(target)
            work.chmod(0o755)  # mkdtemp (and onnx, for the weights) made them private; models are readable by all
            for made in work.iterdir():
                made.chmod(0o644)
            work.rename(target)
        finally:
            if work.exists():
                shutil.rmtree(work)
    return True


def _weights_beside(path: Path) -> None:
    """Move a model's weights into a file beside it (`<name>.data`). ONNX Runtime then maps them
    instead of copying them out of the model message: a session of the fp32 model takes about
    100 MiB instead of 500 (most of the weights are the 250k-token embedding table, of which a
    question touches a few rows)."""
    import onnx

    model = onnx.load(str(path))
    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True, location=f"{path.name}.data")


def _export(model_dir: Path, work: Path) -> None:
    # the tracer's notes on BERT's internals (attention-mask arithmetic, index ops) are about code
    # paths this fixed-shape-free export does not depend on; nothing a user can act on
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _export_quietly(model_dir, work)


def _export_quietly(model_dir: Path, work: Path) -> None:
    import torch  # setup-time only
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoConfig, AutoModel

    config = AutoConfig.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()

    class HiddenStates(torch.nn.Module):
        """The transformer with keyword inputs and one output, as the ONNX graph should see it."""

        def __init__(self, bert: torch.nn.Module) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 10, 11, 2], [0, 12, 2, 1]])
    mask = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]])
    plain = work / "model.onnx"
    fused = work / FP32_FILE
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        HiddenStates(model),
        (ids, mask),
        str(plain),
        input_names=["input_ids", "attention_mask"],
        output_names=["last_hidden_state"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
        opset_version=OPSET,
        dynamo=False,
    )
    optimized = optimize_model(
        str(plain), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size
    )
    optimized.save_model_to_file(str(fused))
    quantize_dynamic(
        str(fused),
        str(work / INT8_FILE),
        weight_type=QuantType.QUInt8,
        per_channel=True,
        reduce_range=True,
        extra_options={"DefaultTensorType": 1},  # FLOAT, for the fused ops' outputs shape inference misses
    )
    plain.unlink()
    for name in FILES.values():
        _weights_beside(work / name)
    for name in ("tokenizer.json", "config.json"):
        shutil.copy2(model_dir / name, work / name)
