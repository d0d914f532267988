"""The web app over a read-only data folder: a visible notice, the writing controls off with the
reason on them, feedback not stored (and said so), uploads refused, and feedback still readable.

The app is built in a child process that really cannot write in the folder (tests.test_kb_read_only:
`chmod -w`, or for root a read-only bind mount in a mount namespace of its own).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.test_kb_read_only import run_read_only_command
from tests.webapp_answers import answered
from webapp import texts
from webapp.feedback_store import FeedbackStore

CHILD = r"""
import json, sys
import gradio as gr
from steunwijs.settings import get_settings
from webapp.handlers import Handlers
from webapp.session import ChatSession
from webapp.startup import Startup
from webapp.ui import build_app

settings = get_settings()
handlers = Handlers(settings, Startup(settings))
demo = build_app(handlers)
props = {c["props"].get("elem_id"): c["props"] for c in demo.get_config_file()["components"] if c["props"].get("elem_id")}
[on_load] = [f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "on_load"]
upload = handlers.documents.upload([sys.argv[1]], progress=lambda *a, **k: None)
print(json.dumps({
    "read_only": handlers.read_only,
    "notice": props.get("sw-read-only", {}).get("value"),
    "initially": {key: props[key]["interactive"] for key in ("sw-upload-button", "sw-remove-button", "sw-eval-run")},
    "on_load": on_load(gr.Request(session_hash="een-sessie")),
    "comment": handlers.feedback.save_comment("goed antwoord", ChatSession()),
    "summary": handlers.feedback.summary(),
    "upload": upload,
    "web_dir_in_data": str(handlers.web_dir).startswith(str(settings.data_dir)),
}, ensure_ascii=False))
"""


def _run_read_only(data_dir: Path, document: Path) -> subprocess.CompletedProcess[str]:
    return run_read_only_command(data_dir, [sys.executable, "-c", CHILD, str(document)], timeout=300)


def test_the_page_says_it_is_read_only_and_turns_writing_off(tmp_path: Path) -> None:
    data = tmp_path / "data"
    FeedbackStore(data / "feedback.sqlite").add(answered(), "up")
    document = tmp_path / "nieuw.txt"
    document.write_text("De directie bespreekt de leersteun met het team.\n", encoding="utf-8")
    result = _run_read_only(data, document)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["read_only"] is True
    assert found["notice"] == texts.READ_ONLY_NOTICE
    assert found["initially"] == {"sw-upload-button": False, "sw-remove-button": False, "sw-eval-run": False}
    upload, remove, run, export, count = found["on_load"]  # local mode: an editor, yet writing stays off
    for button, label in ((upload, texts.UPLOAD_BUTTON), (remove, texts.REMOVE_BUTTON), (run, texts.EVAL_RUN)):
        assert button["interactive"] is False and button["value"] == f"{label} ({texts.READ_ONLY_OFF})"
    assert export["interactive"] is True  # reading feedback still works
    assert count == texts.FEEDBACK_COUNT.format(total=1, up=1, down=0)
    assert found["comment"] == ["goed antwoord", texts.FEEDBACK_READ_ONLY]
    assert found["summary"] == texts.FEEDBACK_COUNT.format(total=1, up=1, down=0)
    assert texts.UPLOAD_FAILED in found["upload"] and "alleen-lezen" in found["upload"]
    assert found["web_dir_in_data"] is False  # Gradio's files go to a private temporary folder instead
    assert sorted(p.name for p in data.iterdir()) == ["feedback.sqlite"]  # nothing was written
