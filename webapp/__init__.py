"""The Gradio web app of Steunwijs: layout (ui), actions (handlers) and their helpers."""
