"""The ONNX encoders: the torch model's vectors (fp32 up to rounding, int8 up to quantisation), the
same token counts, no torch, the export stamped with the weights it came from, and never mixed with
another encoder's vectors in one index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from ingest.pipeline import ingest_folder
from kb.embeddings import Embedder
from kb.encoder.onnx_export import FILES, ONNX_FOLDER, STAMP_FILE, WEIGHTS, _stamp, is_current
from kb.generations import model_id
from kb.knowledge_base import KnowledgeBase, ModelMismatch
from steunwijs.settings import Settings, get_settings
from tests.pipeline_corpus import write_corpus

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TEXTS = [
    "De leerondersteuner werkt samen met de leerkracht in de klas.",
    "Wat doet het CLB als een leerling een gemotiveerd verslag krijgt?",
    "Het leersteuncentrum organiseert leersteun voor leerlingen met specifieke onderwijsbehoeften.",
    "IAC staat voor individueel aangepast curriculum.",
]


@pytest.fixture(scope="module")
def encoders() -> tuple[Embedder, Embedder, Embedder]:
    settings = get_settings()
    make = lambda encoder: Embedder(  # noqa: E731
        settings.embedding_model_path, settings.query_prefix, settings.passage_prefix, 16, encoder
    )
    return make("torch-fp32"), make("onnx-int8"), make("onnx-fp32")


def test_onnx_vectors_are_the_torch_vectors(encoders: tuple[Embedder, Embedder, Embedder]) -> None:
    fp32, int8, onnx = encoders
    for embed in ("embed_passages", "embed_queries"):
        a, b, c = getattr(fp32, embed)(TEXTS), getattr(int8, embed)(TEXTS), getattr(onnx, embed)(TEXTS)
        assert a.shape == b.shape == c.shape == (len(TEXTS), fp32.dim)
        assert np.allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
        assert np.all(np.sum(a * b, axis=1) >= 0.99)  # int8: within quantisation error
        assert np.allclose(a, c, atol=1e-4)  # fp32 ONNX: the same vectors up to float rounding
    long_text = " ".join(TEXTS * 60)  # past 512 tokens: cut as the model's own tokenizer cuts it
    assert np.allclose(fp32.embed_passages([long_text, TEXTS[0]]), onnx.embed_passages([long_text, TEXTS[0]]), atol=1e-4)
    # and still tells texts apart: each passage is nearest to its own fp32 vector
    similarity = int8.embed_passages(TEXTS) @ fp32.embed_passages(TEXTS).T
    assert list(similarity.argmax(axis=1)) == list(range(len(TEXTS)))


def test_batches_keep_within_the_token_budget_and_the_batch_size() -> None:
    from kb.encoder.onnx_encoder import TOKEN_BUDGET, _batches

    lengths = [30] * 40 + [300] * 5 + [600]  # sentences, passages, one text past the budget
    batches = _batches(list(range(len(lengths))), lengths, batch_size=16)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))  # each text once, none lost
    assert [len(b) for b in batches] == [16, 16, 8, 2, 2, 1, 1]
    assert all(len(b) == 1 or len(b) * max(lengths[i] for i in b) <= TOKEN_BUDGET for b in batches)


def test_vectors_do_not_depend_on_the_batching(encoders: tuple[Embedder, Embedder, Embedder]) -> None:
    """Texts of mixed lengths, batched by the token budget, get the vectors they get one by one."""
    _, _, onnx = encoders
    texts = [*TEXTS, " ".join(TEXTS * 8), " ".join(TEXTS * 3)]
    together = onnx.embed_passages(texts)
    alone = np.vstack([onnx.embed_passages([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-5)


def test_int8_counts_tokens_as_the_model_does(encoders: tuple[Embedder, Embedder, Embedder]) -> None:
    fp32, int8, _ = encoders
    long_text = " ".join(TEXTS * 60)  # past 512 tokens: counted, not truncated
    for text in [*TEXTS, long_text, ""]:
        assert int8.count_tokens(text) == fp32.count_tokens(text)
        assert int8.count_tokens(text, prefix="query: ") == fp32.count_tokens(text, prefix="query: ")
    assert int8.count_tokens(long_text) > 512


def test_answering_with_int8_never_imports_torch() -> None:
    code = (
        "import sys\n"
        "from kb.embeddings import get_embedder\n"
        "from steunwijs.settings import get_settings\n"
        "get_embedder(get_settings(encoder='onnx-int8')).embed_query('Wat doet een leerondersteuner?')\n"
        "print('torch' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_the_export_stamp_follows_the_weights(tmp_path: Path) -> None:
    folder = tmp_path / "model"
    (folder / "onnx").mkdir(parents=True)
    (folder / WEIGHTS).write_bytes(b"weights one")
    for name in FILES.values():
        (folder / ONNX_FOLDER / name).write_bytes(b"an export")
        (folder / ONNX_FOLDER / f"{name}.data").write_bytes(b"its weights")
    (folder / "onnx" / STAMP_FILE).write_text(json.dumps(_stamp(folder)), encoding="utf-8")
    assert is_current(folder)

    (folder / ONNX_FOLDER / f"{FILES['onnx-fp32']}.data").unlink()  # half an export
    assert not is_current(folder)
    (folder / ONNX_FOLDER / f"{FILES['onnx-fp32']}.data").write_bytes(b"its weights")
    os.utime(folder / WEIGHTS, ns=(1, 1))  # touched, same bytes: the hash says it is still current
    assert is_current(folder)
    (folder / WEIGHTS).write_bytes(b"other weights")  # re-converted or re-tuned: the export is stale
    assert not is_current(folder)
    (folder / "onnx" / STAMP_FILE).write_text("{kapot", encoding="utf-8")
    assert not is_current(folder)


def test_an_index_of_one_encoder_is_not_searched_with_the_other(tmp_path: Path, tmp_settings: Settings) -> None:
    corpus = write_corpus(tmp_path / "corpus")
    ingest_folder(corpus, tmp_settings)
    int8_settings = tmp_settings.model_copy(update={"encoder": "onnx-int8"})
    assert model_id(int8_settings) == f"{model_id(tmp_settings.model_copy(update={'encoder': 'torch-fp32'}))}#onnx-int8"

    with pytest.raises(ModelMismatch) as refused:
        KnowledgeBase(int8_settings).search("Wie is de ankerfiguur?")
    assert "steunwijs ingest" in refused.value.nl

    report = ingest_folder(corpus, int8_settings)  # another model: everything is embedded again
    assert report.embedded == report.passages and report.sentences_embedded > 0
    hits = KnowledgeBase(int8_settings).search("Wie is het vaste aanspreekpunt van de school?", k=3)
    assert any("ankerfiguur" in h.passage.text for h in hits)
