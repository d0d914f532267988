"""Character classes and patterns of the documents' text, shared by the cleaner and the answerer.

The extracted text carries private-use bullet glyphs (U+F0B7, U+F0D8 in 001), typographic bullets
and a named person's e-mail address and phone number (002). The cleaner normalises and redacts
them; the answerer must recognise the same things in raw sentences. One definition keeps both
sides in step.
"""

from __future__ import annotations

import re

# Bullet glyphs of the extracted PDFs: private-use (Symbol/Wingdings) and typographic ones.
BULLET_CHARS = "\uf0b7\uf0d8\uf0a7\uf076\uf0fc•▪●◦■□➢►"

# An e-mail address and a Belgian phone number as printed in the documents (for redaction).
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\d.,])(?:\+32\s?|0)\d{1,3}(?:[ /.]\d{2,3}){3}(?![\d,])")

# Anything that suggests contact details in a sentence: an "@", a URL, or a phone-like number.
# Broader than EMAIL/PHONE on purpose: a sentence is left out of answers on the slightest sign.
CONTACT_HINT = re.compile(r"@|https?://|www\.|\b0\d{2,3}[ /.]?\d{2}[ .]?\d{2}[ .]?\d{2}\b")


def collapse_ws(text: str) -> str:
    """Runs of whitespace (newlines, tabs, no-break spaces) as one space, trimmed.

    How quotes are compared with passages (EVAL_FORMAT.md: whitespace may differ) and how text is
    shown on one line.
    """
    return " ".join(text.split())


def any_of(patterns: list[str]) -> re.Pattern[str]:
    """One case-insensitive pattern matching any of `patterns` (each kept a group of its own), as
    the tables' pattern lists are applied."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
