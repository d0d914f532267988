"""The editors' login above the tabs, the read-only notice, and which controls each session may use.

The controls that only an editor may use (upload, remove, the fast eval, the feedback export) are
enabled per session: when the page loads, after a login and after a logout. This is convenience
only; the handlers themselves refuse an anonymous session (`EditorAccess.editors_only`). In a
read-only data folder the controls that write stay disabled and their label says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import gradio as gr

from webapp import texts
from webapp.access import EditorAccess

FAILED_LOGIN_PAUSE_S = 1.0
"""A failed login answers after this pause: guessing passwords through the API becomes slow."""


@dataclass(frozen=True)
class EditorPanel:
    """The login row's components, to wire once the tabs (and their controls) exist."""

    user: gr.Textbox
    password: gr.Textbox
    login: gr.Button
    logout: gr.Button
    message: gr.Markdown


def build_editor_panel(access: EditorAccess, read_only: bool) -> EditorPanel:
    """The read-only notice (if so) and the login accordion, where the caller renders them."""
    if read_only:
        gr.Markdown(texts.READ_ONLY_NOTICE, elem_id="sw-read-only")
    with gr.Accordion(texts.LOGIN_HEADING, open=False, elem_id="sw-editors"):
        message = gr.Markdown(texts.LOCAL_MODE if access.local_mode else texts.LOGIN_INTRO, elem_id="sw-login-message")
        with gr.Row(visible=not access.local_mode):
            user = gr.Textbox(label=texts.LOGIN_USER, elem_id="sw-login-user")
            password = gr.Textbox(label=texts.LOGIN_PASSWORD, type="password", elem_id="sw-login-password")
        with gr.Row(visible=not access.local_mode):
            login = gr.Button(texts.LOGIN_BUTTON, variant="primary", size="sm", elem_id="sw-login")
            logout = gr.Button(texts.LOGOUT_BUTTON, size="sm", elem_id="sw-logout")
    return EditorPanel(user, password, login, logout, message)


def wire_editor_panel(
    demo: gr.Blocks,
    panel: EditorPanel,
    access: EditorAccess,
    read_only: bool,
    write_controls: Sequence[gr.Button],
    read_controls: Sequence[gr.Button],
    editor_texts: Sequence[tuple[gr.Markdown, Callable[[], str]]],
) -> None:
    """Enable the editors' controls per session, on load and after a login or logout.

    `write_controls` write into the data folder (off when it is read-only, with the reason in their
    label); `read_controls` only read; `editor_texts` are filled for editors only (the feedback count).
    """
    labels = [str(button.value) for button in write_controls]
    outputs = [*write_controls, *read_controls, *(markdown for markdown, _ in editor_texts)]

    def view(editor: bool) -> list[Any]:
        if read_only:
            writes = [gr.update(interactive=False, value=f"{label} ({texts.READ_ONLY_OFF})") for label in labels]
        else:
            writes = [gr.update(interactive=editor) for _ in labels]
        reads = [gr.update(interactive=editor) for _ in read_controls]
        shown = [fill() if editor else texts.EDITORS_ONLY for _, fill in editor_texts]
        return [*writes, *reads, *shown]

    def on_load(request: gr.Request) -> list[Any]:
        return view(access.allows(request))

    def login(user: str, password: str, request: gr.Request) -> list[Any]:
        if access.login(user, password, request):
            return ["", texts.LOGIN_OK.format(user=user.strip()), *view(True)]
        time.sleep(FAILED_LOGIN_PAUSE_S)
        return ["", texts.LOGIN_FAILED, *view(access.allows(request))]

    def logout(request: gr.Request) -> list[Any]:
        access.logout(request)
        return [texts.LOGGED_OUT, *view(access.allows(request))]

    demo.load(on_load, None, outputs, api_visibility="undocumented")
    panel.login.click(login, [panel.user, panel.password], [panel.password, panel.message, *outputs], api_name="login")
    panel.password.submit(login, [panel.user, panel.password], [panel.password, panel.message, *outputs], api_visibility="undocumented")
    panel.logout.click(logout, None, [panel.message, *outputs], api_name="logout")
    demo.unload(access.logout)
