"""The eval report: ``report.md`` (with PNG plots beside it) and a standalone ``report.html``.

Both are rendered from a `Summary` (``summary.json``) alone, through the Jinja templates packaged in
``evals/templates``, so a report can be re-rendered from an old run without answering anything
again. The HTML page embeds its plots as base64 PNGs and carries its own CSS: it is one file that
can be mailed or attached to a CI run and still shows everything.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display on servers and in CI; must precede the pyplot import

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape  # noqa: E402
from rich.table import Table  # noqa: E402

from evals.diff import RunDiff, fmt_change  # noqa: E402
from evals.questionset import TOPICS  # noqa: E402
from evals.summary import GroupScores, JudgeScores, Summary  # noqa: E402
from steunwijs.settings import PERSONAS  # noqa: E402

# The measures shown per group and in the group plots: the ones a reader compares across groups.
GROUP_PLOT_METRICS = ("evidence_recall@10", "mrr@10", "citation_support", "coverage", "abstention_correct")


@dataclass(frozen=True)
class Plot:
    """One figure: its title, the file beside report.md, and the PNG for embedding in the HTML."""

    title: str
    file: str
    png: bytes

    @property
    def base64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


def fmt(name: str, value: float | None) -> str:
    """A metric value as shown: milliseconds whole, shares with two decimals, a dash when n/a."""
    if value is None:
        return "—"
    return f"{value:.0f}" if name.endswith("_ms") else f"{value:.2f}"


def fmt_ratio(value: float | None) -> str:
    """A ratio to the baseline as shown: "×1.25", a dash when n/a."""
    return "—" if value is None else f"×{value:.2f}"


def md_cell(text: object) -> str:
    """Text safe inside a Markdown table cell (no pipes, no line breaks)."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _ordered(groups: dict[str, Any], order: Sequence[str]) -> list[str]:
    """The group names in the given order, any others after them alphabetically."""
    return [g for g in order if g in groups] + sorted(g for g in groups if g not in order)


def _png(fig: plt.Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _share_metrics(summary: Summary) -> list[str]:
    return [name for name in summary.metric_info if not name.endswith("_ms")]


def overall_plot(summary: Summary) -> Plot:
    """Every share metric, Steunwijs beside the baseline (baseline bars only where it applies)."""
    names = _share_metrics(summary)
    ours = [summary.metrics.overall.values[n] for n in names]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) + 1))
    y = np.arange(len(names))
    height = 0.4 if summary.baseline else 0.7
    ax.barh(y, [v if v is not None else 0 for v in ours], height, label="Steunwijs", color="#2a6f97")
    if summary.baseline:
        theirs = [summary.baseline.metrics.overall.values[n] for n in names]
        bars = [v if v is not None else 0 for v in theirs]
        ax.barh(y + height, bars, height, label="baseline", color="#bbbbbb")
    ax.set_yticks(y + (height / 2 if summary.baseline else 0), names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel("score (abstention_false: lower is better)")
    ax.legend(loc="lower right")
    return Plot("Overall: Steunwijs and baseline", "overall.png", _png(fig))


def _groups(summary: Summary, key: str) -> dict[str, GroupScores]:
    """The per-persona or per-topic aggregates ("by_persona", "by_topic")."""
    groups: dict[str, GroupScores] = getattr(summary.metrics, key)
    return groups


def group_plot(summary: Summary, key: str, order: Sequence[str], title: str) -> Plot:
    """The key metrics per group (persona or topic) as grouped bars."""
    groups = _groups(summary, key)
    names = _ordered(groups, order)
    metrics = [m for m in GROUP_PLOT_METRICS if m in summary.metric_info]
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(names)), 3.6))
    x = np.arange(len(names))
    width = 0.8 / len(metrics)
    for i, metric in enumerate(metrics):
        values = [groups[g].values[metric] for g in names]
        ax.bar(x + i * width, [v if v is not None else 0 for v in values], width, label=metric)
    ax.set_xticks(x + width * (len(metrics) - 1) / 2, [f"{g}\n(n={groups[g].n})" for g in names])
    ax.set_ylim(0, 1)
    ax.legend(fontsize=8, ncols=3, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    return Plot(title, f"{key}.png", _png(fig))


def latency_plot(summary: Summary) -> Plot:
    """Histogram of per-question latency with the p50 and p95 marked."""
    latencies = [q.latency_ms for q in summary.per_question]
    fig, ax = plt.subplots(figsize=(7, 3.2))
    ax.hist(latencies, bins=min(30, max(5, len(latencies) // 3)), color="#2a6f97")
    for pct, style in ((50, "--"), (95, ":")):
        value = float(np.percentile(latencies, pct))
        ax.axvline(value, color="#c0392b", linestyle=style, label=f"p{pct} = {value:.0f} ms")
    ax.set_xlabel("latency per answer (ms)")
    ax.set_ylabel("questions")
    ax.legend()
    return Plot("Latency distribution", "latency.png", _png(fig))


def make_plots(summary: Summary) -> list[Plot]:
    """The report's figures, in report order."""
    return [
        overall_plot(summary),
        group_plot(summary, "by_persona", PERSONAS, "Per persona"),
        group_plot(summary, "by_topic", TOPICS, "Per topic"),
        latency_plot(summary),
    ]


def _group_tables(summary: Summary, key: str, order: Sequence[str], title: str) -> dict[str, Any]:
    groups = _groups(summary, key)
    names = _ordered(groups, order)
    metrics = list(summary.metric_info)
    table: dict[str, Any] = {
        "title": title,
        "header": metrics,
        "rows": [
            {"group": g, "n": groups[g].n, "cells": [fmt(m, groups[g].values[m]) for m in metrics]} for g in names
        ],
        "ratio_header": [],
        "ratio_rows": [],
    }
    if summary.ratios:
        ratios: dict[str, dict[str, float | None]] = getattr(summary.ratios, key)
        compared = [m for m in metrics if summary.ratios.overall.get(m) is not None]
        table["ratio_header"] = compared
        table["ratio_rows"] = [
            {"group": g, "n": groups[g].n, "cells": [fmt_ratio(ratios[g].get(m)) for m in compared]} for g in names
        ]
    return table


def view(summary: Summary) -> dict[str, Any]:
    """What the templates show, formatted once here so the Markdown and HTML pages agree."""
    overall = summary.metrics.overall.values
    base = summary.baseline.metrics.overall.values if summary.baseline else {}
    rows = [
        {
            "name": name,
            "description": info.description,
            "better": "higher" if info.higher_is_better else "lower",
            "ours": fmt(name, overall[name]),
            "baseline": fmt(name, base.get(name)) if base else None,
            "ratio": fmt_ratio(summary.ratios.overall.get(name)) if summary.ratios else None,
            "n": summary.metrics.applicable[name],
        }
        for name, info in summary.metric_info.items()
    ]
    judge = summary.judge
    judge_rows = []
    if isinstance(judge, JudgeScores):
        for groups, order in ((judge.by_persona, PERSONAS), (judge.by_topic, TOPICS)):
            judge_rows += [
                {"group": g, "n": groups[g].n, "value": fmt("coverage_judge", groups[g].values["coverage_judge"])}
                for g in _ordered(groups, order)
            ]
    judge_overall = judge.overall.values["coverage_judge"] if isinstance(judge, JudgeScores) else None
    return {
        "run": summary.run,
        "overall": rows,
        "groups": [
            _group_tables(summary, "by_persona", PERSONAS, "Per persona"),
            _group_tables(summary, "by_topic", TOPICS, "Per topic"),
        ],
        "baseline": summary.baseline,
        "judge": judge,
        "judge_overall": fmt("coverage_judge", judge_overall) if judge_rows else None,
        "judge_rows": judge_rows,
        "failures": summary.failures,
    }


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("evals", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_cell
    return env


def diff_view(diff: RunDiff | None) -> dict[str, Any] | None:
    """The comparison with an earlier run as the templates show it: averages side by side, the
    verdict counts, and every question that moved."""
    if diff is None:
        return None
    return {
        "a": diff.a,
        "b": diff.b,
        "overall": [
            {"name": m, "before": fmt_change(x), "after": fmt_change(y)}
            for m, (x, y) in diff.overall.items()
            if m != "n"
        ],
        "counts": {v: diff.count(v) for v in ("better", "worse", "mixed", "unchanged")},
        "moved": [
            {"id": q.id, "verdict": q.verdict, "changes": "; ".join(f"{m} {fmt_change(x)} → {fmt_change(y)}" for m, (x, y) in q.changes.items())}
            for q in diff.questions
            if q.verdict != "unchanged"
        ],
        "only_in_a": diff.only_in_a,
        "only_in_b": diff.only_in_b,
    }


def write_report(summary: Summary, out_dir: Path, diff: RunDiff | None = None) -> tuple[Path, Path]:
    """Write report.md (+ plots/*.png) and the standalone report.html; return both paths.

    With `diff` (this run against an earlier one) the report also shows the two side by side."""
    plots = make_plots(summary)
    plot_dir = out_dir / "plots"
    plot_dir.mkdir(parents=True, exist_ok=True)
    for plot in plots:
        (plot_dir / plot.file).write_bytes(plot.png)
    env = _environment()
    context = {**view(summary), "plots": plots, "diff": diff_view(diff)}
    md_path, html_path = out_dir / "report.md", out_dir / "report.html"
    md_path.write_text(env.get_template("report.md.j2").render(context), encoding="utf-8")
    html_path.write_text(env.get_template("report.html.j2").render(context), encoding="utf-8")
    return md_path, html_path


def console_table(summary: Summary) -> Table:
    """The overall table for the terminal, the same rows as the report's first table."""
    rows = view(summary)["overall"]
    has_baseline = summary.baseline is not None
    table = Table(title=f"Steunwijs eval: {summary.run.questions} questions")
    for column in ("metric", "Steunwijs", *(("baseline", "ratio") if has_baseline else ()), "n"):
        table.add_column(column, justify="left" if column == "metric" else "right")
    for r in rows:
        compared = (r["baseline"], r["ratio"]) if has_baseline else ()
        table.add_row(r["name"], r["ours"], *compared, str(r["n"]))
    return table
