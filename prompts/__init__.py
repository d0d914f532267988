"""Prompt, wording and UI text files, read through `steunwijs.resources` (no code here)."""
