"""A LoRA adapter of the embedding model: its card, its checksum guard, and merging it into a folder.

`steunwijs tune` (evals.tuning) trains an adapter on the training questions and writes it with a
card: which base model, which data (file hashes), which hyper-parameters, dev figures before and
after, and the sha256 of the adapter weights. `steunwijs setup-model` merges the configured adapter
into a copy of the converted model (`merge_adapter`), after checking the weights against the card,
so a changed or corrupt adapter is refused instead of silently giving other vectors. The merged
folder's stamp names the adapter's hash; the knowledge base records it with every generation, so
vectors of the plain and the tuned model are never mixed.

The adapter of the default corpus is committed under kb/encoder/adapters/<name>/ (package data).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, Field

from steunwijs.errors import ConfigurationError
from steunwijs.files import exclusive_lock, sha256_file, swap_in_folder
from steunwijs.settings import Settings

ADAPTER_WEIGHTS = "adapter_model.safetensors"
ADAPTER_CONFIG = "adapter_config.json"
CARD_FILE = "card.json"
STAMP_FILE = "steunwijs_adapter.json"


class AdapterError(ConfigurationError):
    """An adapter that is missing, incomplete or does not match its card."""


class DevFigures(BaseModel):
    """Dense retrieval on the dev questions (the figures a choice between variants is made on)."""

    questions: int
    evidence_recall_at_10: float
    mrr_at_10: float
    hit_at_5: float


class AdapterCard(BaseModel):
    """What an adapter is, how it was made and what it did on dev."""

    name: str
    base_model: str = Field(description="Folder name of the model the adapter was trained on.")
    base_sha256: str = Field(description="sha256 of that model's weights.")
    adapter_sha256: str = Field(description="sha256 of adapter_model.safetensors.")
    training_sets: dict[str, str] = Field(description="Question-set file name -> sha256.")
    corpus: dict[str, str] = Field(description="Corpus file name -> sha256 (the synthetic pairs come from it).")
    pairs: dict[str, int] = Field(description="Training examples by kind (question, heading, faq).")
    hyperparameters: dict[str, float | int | str]
    dev_before: DevFigures
    dev_after: DevFigures
    seconds: float
    created: str


def adapters_root() -> Path:
    """The folder of committed adapters (package data of kb.encoder)."""
    return Path(str(resources.files("kb.encoder").joinpath("adapters")))


def adapter_folder(name_or_path: str) -> Path:
    """A committed adapter by name ("steunwijs"), or any folder holding an adapter."""
    path = Path(name_or_path).expanduser()
    return path if path.is_absolute() or len(path.parts) > 1 else adapters_root() / name_or_path


def read_card(folder: Path) -> AdapterCard:
    path = folder / CARD_FILE
    if not path.is_file():
        raise AdapterError(
            f"De adapter in {folder} heeft geen kaart ({CARD_FILE}): maak hem opnieuw met `steunwijs tune`.",
            f"Adapter {folder} has no {CARD_FILE}; rebuild it with `steunwijs tune`.",
        )
    return AdapterCard.model_validate_json(path.read_text(encoding="utf-8"))


def verify_adapter(folder: Path) -> AdapterCard:
    """The adapter's card, once its weights are shown to be the ones the card describes."""
    card = read_card(folder)
    weights = folder / ADAPTER_WEIGHTS
    if not weights.is_file() or not (folder / ADAPTER_CONFIG).is_file():
        raise AdapterError(
            f"De adapter in {folder} is onvolledig (gewichten of configuratie ontbreken).",
            f"Adapter {folder} is incomplete (weights or config missing).",
        )
    found = sha256_file(weights)
    if found != card.adapter_sha256:
        raise AdapterError(
            f"De gewichten van de adapter in {folder} passen niet bij zijn kaart: maak hem opnieuw met `steunwijs tune`.",
            f"Adapter weights in {folder} do not match the card (sha256 {found[:12]} != {card.adapter_sha256[:12]}).",
        )
    return card


def read_stamp(folder: Path) -> dict[str, str] | None:
    """The stamp of a merged model folder (which base, which adapter), or None for a plain folder."""
    path = folder / STAMP_FILE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def merge_adapter(base: Path, adapter: Path, destination: Path) -> bool:
    """Make `destination` the base model with the adapter merged in; False when it already is.

    The folder is built beside the destination and renamed into place when complete, so a reader
    never sees a half-written model. Merged weights need no peft at run time and cost nothing extra
    per query.
    """
    card = verify_adapter(adapter)
    base_sha = sha256_file(base / "model.safetensors")
    if base_sha != card.base_sha256:
        raise AdapterError(
            f"De adapter {card.name} is getraind op een ander basismodel dan {base}: maak hem opnieuw met `steunwijs tune`.",
            f"Adapter {card.name} was trained on another base model than {base} ({base_sha[:12]} != {card.base_sha256[:12]}).",
        )
    stamp = {"base": base.name, "base_sha256": base_sha, "adapter": card.name, "adapter_sha256": card.adapter_sha256}
    destination.parent.mkdir(parents=True, exist_ok=True)
    with exclusive_lock(destination.parent / f".{destination.name}.lock"):
        if read_stamp(destination) == stamp and (destination / "model.safetensors").is_file():
            return False
        building = Path(tempfile.mkdtemp(prefix=f".{destination.name}.partial-", dir=destination.parent))
        try:
            shutil.copytree(base, building, dirs_exist_ok=True)
            _write_merged_weights(base, adapter, building / "model.safetensors")
            (building / STAMP_FILE).write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
            building.chmod(0o755)
            swap_in_folder(building, destination)
        finally:
            if building.exists():
                shutil.rmtree(building)
    return True


def _write_merged_weights(base: Path, adapter: Path, target: Path) -> None:
    """Load the base transformer, apply the LoRA weights, merge them and save plain weights."""
    from peft import PeftModel
    from safetensors import safe_open
    from safetensors.torch import save_file
    from transformers import AutoModel

    with safe_open(str(base / "model.safetensors"), "pt") as weights:
        keys = set(weights.keys())  # the converted model has no pooler: keep exactly its tensors
    model = AutoModel.from_pretrained(str(base))
    merged = PeftModel.from_pretrained(model, str(adapter)).merge_and_unload()
    state = {key: value.contiguous() for key, value in merged.state_dict().items() if key in keys}
    missing = keys - set(state)
    if missing:
        raise AdapterError(
            f"Het samenvoegen van de adapter verloor {len(missing)} gewichten.",
            f"Merging the adapter lost {len(missing)} tensors: {sorted(missing)[:3]}",
        )
    save_file(state, str(target), metadata={"format": "pt"})


def apply_configured_adapter(settings: Settings) -> tuple[Path, bool] | None:
    """Merge `settings.embedding_adapter` into the converted model; (folder, merged now) or None.

    None when no adapter is configured or another model is named (`embedding_model`).
    """
    target = settings.tuned_model_dir
    if target is None or settings.embedding_model:
        return None
    return target, merge_adapter(settings.default_model_dir, adapter_folder(settings.embedding_adapter), target)


def model_label(model_path: str) -> str:
    """A short, machine-independent name of a model folder: its name, plus its adapter's hash.

    Recorded with every index generation, so vectors of the plain model, of the model with one
    adapter and with another are never mixed: a retrained adapter changes the label.
    """
    path = Path(model_path.rstrip("/"))
    stamp = read_stamp(path) if path.is_dir() else None
    return f"{path.name}@{stamp['adapter_sha256'][:12]}" if stamp else path.name
