"""The Gradio web app of Steunwijs: the page (ui), each tab's layout (layout) and handler (handlers),
and their helpers (chat_format, citation_panel, handout, feedback_store, session, startup, texts, errors)."""
