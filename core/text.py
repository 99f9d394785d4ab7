"""Free text people type: the control characters no file may carry.

A caption with a vertical tab ("照片\x0b说明", pasted from another program) is
invisible on the page, yet openpyxl refuses to write it (IllegalCharacterError)
and XML forbids it. Forms refuse such text at entry (`refuse_control_characters`);
text already stored, or typed before this rule, is cleaned at write
(`without_control_characters`). Tab, line feed and carriage return are ordinary text.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

# The characters XML 1.0 does not allow, as openpyxl's ILLEGAL_CHARACTERS_RE.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

CONTROL_CHARACTER_MESSAGE = gettext_lazy("Please delete the invisible control characters.")


def without_control_characters(text):
    """`text` with every control character removed."""
    return CONTROL_CHARACTERS.sub("", text)


def refuse_control_characters(value):
    """A form field validator: text with a control character is refused, in words."""
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(CONTROL_CHARACTER_MESSAGE, code="control_character")


def terminal_width(text):
    """Columns `text` takes in a terminal: two for each Chinese character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def terminal_table(rows):
    """`rows` (a heading first, lists of str) as lines of a terminal table: each column
    but the last padded to its widest cell, columns two spaces apart."""
    columns = [max(terminal_width(row[n]) for row in rows) for n in range(len(rows[0]) - 1)]
    for row in rows:
        cells = [
            cell + " " * (wide - terminal_width(cell))
            for cell, wide in zip(row[:-1], columns, strict=True)
        ]
        yield "  ".join([*cells, row[-1]]).rstrip()
