"""CSV cells a spreadsheet shows as text, never as a formula.

A cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some
spreadsheets skip before one of those) is run as a formula when the file is opened in Excel or
LibreOffice: a document sentence or a typed comment could then fetch a URL or run a command
("CSV injection"). Every CSV the project writes (the feedback export, the roles map) passes its
cells through here, so the rule lives in one place in the ground package.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: strings that would start a formula get a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
