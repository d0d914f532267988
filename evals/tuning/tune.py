"""`steunwijs tune`: fine-tune the embedding model to a corpus and its questions, as a LoRA adapter.

1. refuse test questions (evals.splits.guard_tuning), read the training and dev questions;
2. build examples from the training questions and the corpus itself (evals.tuning.pairs);
3. measure dense retrieval on dev with the plain model, train the adapter (evals.tuning.train),
   measure again with it;
4. write the adapter and its card (kb.encoder.adapter.AdapterCard) into the adapter folder,
   replacing an older one only when the new one is complete.

Tuning always starts from the plain converted model, never from one with an adapter merged in.
`steunwijs setup-model` then merges the adapter named by `STEUNWIJS_EMBEDDING_ADAPTER`.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from evals.questionset import Question, load_set
from evals.splits import guard_tuning, split_paths
from evals.tuning.dev import measure
from evals.tuning.pairs import training_examples
from evals.tuning.train import Hyperparameters, train_adapter
from kb.encoder.adapter import ADAPTER_WEIGHTS, CARD_FILE, AdapterCard, adapter_folder
from kb.knowledge_base import KnowledgeBase
from steunwijs.errors import ConfigurationError, InputError
from steunwijs.files import sha256_file
from steunwijs.settings import Settings
from steunwijs.types import Passage

Progress = Callable[[str, int, int], None]
"""progress(stage, done, total); stages: "measure" (before/after) and "train" (steps)."""


def _questions(paths: Sequence[Path]) -> list[Question]:
    return [question for path in paths for question in load_set(path)]


def _passages(settings: Settings) -> list[Passage]:
    kb = KnowledgeBase(settings)
    passages = [p for info in kb.documents() for p in kb.passages(info.doc.source)]
    if not passages:
        raise InputError(
            "De kennisbank is leeg: voer eerst `steunwijs ingest` uit; het afstemmen leert van de passages.",
            "The knowledge base is empty: run ingest first; tuning learns from its passages.",
        )
    return passages


def _corpus_hashes(settings: Settings, passages: Sequence[Passage]) -> dict[str, str]:
    sources = sorted({p.source for p in passages})
    return {name: sha256_file(settings.corpus_dir / name) for name in sources if (settings.corpus_dir / name).is_file()}


def tune(
    train_sets: Sequence[Path],
    settings: Settings,
    name: str = "steunwijs",
    out: Path | None = None,
    dev_sets: Sequence[Path] | None = None,
    hp: Hyperparameters | None = None,
    progress: Progress | None = None,
) -> AdapterCard:
    """Train the adapter `name` on `train_sets`, measure it on `dev_sets`, write it with its card."""
    from sentence_transformers import SentenceTransformer

    hp = hp or Hyperparameters()
    dev_sets = list(dev_sets) if dev_sets is not None else split_paths("dev")
    guard_tuning([*train_sets, *dev_sets])
    base = settings.default_model_dir
    if not (base / "model.safetensors").is_file():
        raise ConfigurationError(
            f"Het basismodel ontbreekt in {base}: voer eerst `steunwijs setup-model` uit.",
            f"The base model is missing at {base}: run setup-model first.",
        )
    started = time.perf_counter()
    passages = _passages(settings)
    examples = training_examples(_questions(train_sets), passages)
    if not examples:
        raise InputError(
            "Geen enkele trainingsvraag heeft bewijs in de kennisbank: controleer de vragenset en de documenten.",
            "No training question has evidence in the knowledge base.",
        )
    dev = _questions(dev_sets)
    if progress:
        progress("measure", 0, 2)
    before = measure(SentenceTransformer(str(base), device="cpu"), dev, passages, settings.query_prefix, settings.passage_prefix)
    destination = out or adapter_folder(name)
    destination.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{destination.name}.partial-", dir=destination.parent))
    try:
        model = train_adapter(
            base,
            examples,
            building,
            hp,
            settings.query_prefix,
            settings.passage_prefix,
            progress=(lambda done, total: progress("train", done, total)) if progress else None,
        )
        if progress:
            progress("measure", 1, 2)
        after = measure(model, dev, passages, settings.query_prefix, settings.passage_prefix)
        card = AdapterCard(
            name=name,
            base_model=base.name,
            base_sha256=sha256_file(base / "model.safetensors"),
            adapter_sha256=sha256_file(building / ADAPTER_WEIGHTS),
            training_sets={Path(p).name: sha256_file(Path(p)) for p in train_sets},
            corpus=_corpus_hashes(settings, passages),
            pairs=dict(sorted(Counter(e.kind for e in examples).items())),
            hyperparameters=hp.model_dump(exclude_none=True),
            dev_before=before,
            dev_after=after,
            seconds=round(time.perf_counter() - started, 1),
            created=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        (building / CARD_FILE).write_text(card.model_dump_json(indent=2) + "\n", encoding="utf-8")
        if progress:
            progress("measure", 2, 2)
        if destination.exists():
            shutil.rmtree(destination)
        building.rename(destination)
    finally:
        if building.exists():
            shutil.rmtree(building)
    return card
