"""Train a LoRA adapter of the sentence-transformers model on (query, positive, negative) examples.

The loss is sentence-transformers' MultipleNegativesRankingLoss: each query must score its own
positive above every other passage in the batch (in-batch negatives) and above its hard negative.
Only the LoRA matrices learn (peft), so the result is a few MB and the base model stays as it is.
Everything random (example order, LoRA initialisation, dropout) follows one seed: the same data,
settings and machine give the same adapter.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from evals.tuning.pairs import Example

Progress = Callable[[int, int], None]


class Hyperparameters(BaseModel):
    """What shapes the adapter; recorded on its card."""

    seed: int = Field(13, description="Seed of the example order, the LoRA initialisation and dropout.")
    epochs: int = Field(1, ge=1)
    batch_size: int = Field(16, ge=2, description="Examples per step (the others of a batch are its in-batch negatives).")
    learning_rate: float = Field(2e-4, gt=0)
    rank: int = Field(8, ge=1, description="LoRA rank.")
    alpha: int = Field(16, ge=1, description="LoRA scaling numerator (scale = alpha / rank).")
    dropout: float = Field(0.1, ge=0, lt=1)
    max_seq_length: int = Field(256, ge=32, le=512, description="Tokens per text while training (passages are cut).")
    max_steps: int | None = Field(None, ge=1, description="Stop after this many steps (tests: one step).")


# The attention and feed-forward projections of the encoder's layers (not the pooler, which the
# sentence-transformers model does not use: it mean-pools the last hidden states).
TARGET_MODULES = r".*encoder\.layer\.\d+\..*\.(query|key|value|dense)$"


def seed_everything(seed: int) -> None:
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def load_with_adapter(base: Path, hp: Hyperparameters):  # noqa: ANN201 - (SentenceTransformer, PeftModel)
    """The base model with a fresh LoRA adapter on its transformer (only the adapter trains).

    peft injects the LoRA layers into the transformer in place, so the sentence-transformers model
    runs through them; the returned PeftModel is the handle that saves the adapter alone.
    """
    from peft import LoraConfig, TaskType, get_peft_model
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(base), device="cpu")
    model.max_seq_length = hp.max_seq_length
    config = LoraConfig(
        task_type=TaskType.FEATURE_EXTRACTION,
        r=hp.rank,
        lora_alpha=hp.alpha,
        lora_dropout=hp.dropout,
        target_modules=TARGET_MODULES,
    )
    adapter = get_peft_model(model[0].auto_model, config)
    return model, adapter


def train_adapter(
    base: Path,
    examples: Sequence[Example],
    out: Path,
    hp: Hyperparameters,
    query_prefix: str,
    passage_prefix: str,
    progress: Progress | None = None,
):  # noqa: ANN201 - the trained SentenceTransformer (adapter active), for measuring
    """Train, save adapter_model.safetensors + adapter_config.json into `out`, return the model."""
    import torch
    from sentence_transformers.sentence_transformer.losses import MultipleNegativesRankingLoss

    seed_everything(hp.seed)
    model, adapter = load_with_adapter(base, hp)
    loss = MultipleNegativesRankingLoss(model)
    trainable = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=hp.learning_rate)
    order = list(range(len(examples)))
    batches = [
        batch for epoch in range(hp.epochs) for batch in _batches(random.Random(hp.seed + epoch), order, hp.batch_size)
    ]
    if hp.max_steps is not None:
        batches = batches[: hp.max_steps]
    model.train()
    for step, batch in enumerate(batches, start=1):
        chosen = [examples[i] for i in batch]
        features = [
            model.preprocess([query_prefix + e.query for e in chosen]),
            model.preprocess([passage_prefix + e.positive for e in chosen]),
            model.preprocess([passage_prefix + e.negative for e in chosen]),
        ]
        value = loss(features, labels=None)
        value.backward()
        optimizer.step()
        optimizer.zero_grad()
        if progress:
            progress(step, len(batches))
    model.eval()
    out.mkdir(parents=True, exist_ok=True)
    adapter.save_pretrained(str(out))
    (out / "README.md").unlink(missing_ok=True)  # peft's generic model card; ours is card.json
    config_path = out / "adapter_config.json"  # name the base by its folder, not this machine's path
    config = json.loads(config_path.read_text(encoding="utf-8"))
    config["base_model_name_or_path"] = base.name
    config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    return model


def _batches(rng: random.Random, order: list[int], size: int) -> list[list[int]]:
    shuffled = list(order)
    rng.shuffle(shuffled)
    return [shuffled[i : i + size] for i in range(0, len(shuffled) - 1, size) if len(shuffled[i : i + size]) > 1]
