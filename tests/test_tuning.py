"""`steunwijs tune` on a tiny fixture: one step writes an adapter that loads, changes the vectors and
is guarded by its checksum; the committed adapter matches the training data it claims."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from evals.splits import split_paths
from evals.tuning.pairs import heading_examples
from evals.tuning.train import Hyperparameters
from evals.tuning.tune import tune
from kb.encoder.adapter import (
    ADAPTER_WEIGHTS,
    AdapterError,
    adapter_folder,
    merge_adapter,
    model_label,
    read_card,
    verify_adapter,
)
from steunwijs.files import sha256_file
from steunwijs.settings import Settings, get_settings
from tests.pipeline_corpus import write_corpus

QUESTIONS = [
    ("t-1", "Wie is op school het aanspreekpunt van de leerondersteuner?", "Elke school krijgt een ankerfiguur als vast aanspreekpunt."),
    ("t-2", "Mag de leerondersteuner invallen als een juf ziek is?", "De co-teacher mag niet ingezet worden voor vervangingen van afwezige leerkrachten."),
    ("t-3", "Wanneer begint de hulp van het leersteuncentrum?", "De leersteun start vijf schooldagen na het begin van het schooljaar."),
]


def write_set(path: Path) -> Path:
    rows = [
        {
            "id": qid, "persona": "leerondersteuner", "topic": "rollen", "question": question,
            "answer_points": ["iets"], "sources": ["netwerk.txt"], "evidence": [evidence], "answerable": True,
        }
        for qid, question, evidence in QUESTIONS
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from ingest.pipeline import ingest_folder

    root = tmp_path_factory.mktemp("tune")
    settings = get_settings(data_dir=root / "data")
    ingest_folder(write_corpus(root / "corpus"), settings)
    return settings


@pytest.mark.slow
def test_one_step_writes_an_adapter_that_loads_and_changes_the_vectors(small_kb: Settings, tmp_path: Path) -> None:
    from sentence_transformers import SentenceTransformer

    train = write_set(tmp_path / "train.jsonl")
    out = tmp_path / "adapter"
    hp = Hyperparameters(max_steps=1, batch_size=4, learning_rate=1e-2)
    card = tune([train], small_kb, name="proef", out=out, dev_sets=[train], hp=hp)
    assert {ADAPTER_WEIGHTS, "adapter_config.json", "card.json"} <= {p.name for p in out.iterdir()}
    assert card.pairs["question"] == 3 and card.training_sets == {"train.jsonl": sha256_file(train)}
    assert card.dev_before.questions == 3 and 0.0 <= card.dev_after.mrr_at_10 <= 1.0
    assert verify_adapter(out) == card

    merged = tmp_path / "models" / "merged"
    assert merge_adapter(small_kb.default_model_dir, out, merged) is True
    assert merge_adapter(small_kb.default_model_dir, out, merged) is False  # already up to date
    text = ["query: Wie is het aanspreekpunt?"]
    plain = SentenceTransformer(str(small_kb.default_model_dir), device="cpu").encode(text)
    tuned = SentenceTransformer(str(merged), device="cpu").encode(text)
    assert float(np.abs(plain - tuned).max()) > 1e-3
    assert model_label(str(merged)) == f"merged@{card.adapter_sha256[:12]}"
    assert model_label(str(small_kb.default_model_dir)) == "multilingual-e5-small"

    weights = out / ADAPTER_WEIGHTS
    weights.write_bytes(weights.read_bytes()[:-4] + b"\0\0\0\0")  # a changed adapter
    with pytest.raises(AdapterError) as refused:
        merge_adapter(small_kb.default_model_dir, out, tmp_path / "models" / "again")
    assert "passen niet bij zijn kaart" in refused.value.nl


def test_headings_make_pairs_with_their_section() -> None:
    from steunwijs.types import DocumentMeta, Passage

    doc = DocumentMeta(source="d.txt", title="D", short_title="D")
    passages = [
        Passage(id="a", doc=doc, section="1 Rol van de school bij leersteun", lines=(1, 5), text="De school houdt de regie.", raw=""),
        Passage(id="b", doc=doc, section="2 Rol van het CLB", lines=(6, 9), text="Het CLB schrijft het verslag.", raw=""),
    ]
    [example] = heading_examples(passages)
    assert (example.query, example.positive, example.negative) == (
        "Rol van de school bij leersteun", "De school houdt de regie.", "Het CLB schrijft het verslag."
    )


def test_the_committed_adapter_was_built_from_todays_training_data() -> None:
    """Fails when the training questions changed but `steunwijs tune` was not run again."""
    folder = adapter_folder(get_settings().embedding_adapter or "steunwijs")
    card = read_card(folder)
    current = {path.name: sha256_file(path) for path in split_paths("train")}
    assert card.training_sets == current, "evals/sets changed: rebuild the adapter with `steunwijs tune`"
    assert verify_adapter(folder) == card


@pytest.mark.slow
def test_setup_merges_the_committed_adapter_into_its_own_folder() -> None:
    from kb.encoder.adapter import apply_configured_adapter, read_stamp

    settings = get_settings(embedding_adapter="steunwijs")
    card = read_card(adapter_folder("steunwijs"))
    result = apply_configured_adapter(settings)
    assert result is not None
    folder, _ = result
    assert folder == settings.tuned_model_dir and settings.embedding_model_path == str(folder)
    stamp = read_stamp(folder)
    assert stamp is not None and stamp["adapter_sha256"] == card.adapter_sha256
    assert model_label(str(folder)) == f"multilingual-e5-small+steunwijs@{card.adapter_sha256[:12]}"
    assert apply_configured_adapter(get_settings(embedding_adapter="")) is None
