"""The page is built from the handlers (no browser): every tab, every control labelled, the CLI entry."""

from __future__ import annotations

from typer.testing import CliRunner

from cli.main import app as cli
from steunwijs.settings import PERSONAS, Settings
from webapp import texts
from webapp.handlers import Handlers
from webapp.startup import Startup
from webapp.ui import build_app

CONTROLS = {"textbox", "dropdown", "radio", "file", "chatbot", "dataframe", "gallery"}


def test_the_app_has_its_tabs_and_labels_on_every_control(tmp_settings: Settings) -> None:
    demo = build_app(Handlers(tmp_settings, Startup(tmp_settings)))
    config = demo.get_config_file()
    components = config["components"]
    tabs = [c["props"]["label"] for c in components if c["type"] == "tabitem"]
    roles = [texts.TAB_ROLES, texts.ROLES_MAP_TAB, texts.ROLES_CHANGES_TAB]  # 'Wie doet wat?' and its two views
    trainers = [texts.TAB_GLOSSARY, texts.TAB_SESSION]
    assert tabs == [texts.TAB_ASK, texts.TAB_DOCUMENTS, *roles, *trainers, texts.TAB_EVAL, texts.TAB_ABOUT]
    unlabelled = [
        (c["type"], c["props"].get("elem_id"))
        for c in components
        if c["type"] in CONTROLS and not c["props"].get("label")
    ]
    assert unlabelled == []
    buttons = [c["props"].get("value") for c in components if c["type"] == "button" and c["props"].get("visible")]
    assert all(isinstance(b, str) and b.strip() for b in buttons)  # every visible button says what it does
    persona = next(c for c in components if c["props"].get("elem_id") == "sw-persona")
    assert [value for _, value in persona["props"]["choices"]] == list(PERSONAS)


def test_serve_is_a_command_with_host_and_port() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output
