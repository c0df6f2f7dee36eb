"""Text from users, files and the plan, made safe to show: never markup, never a terminal code.

A note, a name or a plan's title is data. It reaches people through Rich tables (which would
read ``[bold]`` as markup and ``:smile:`` as an emoji), one-line messages, CSV and Markdown.
:func:`visible` replaces every character a terminal or a reader could take for something else
with a visible stand-in: the C0 controls by their Unicode control pictures (ESC is ``␛``, NUL
``␀``), DEL by ``␡``, the C1 controls, the invisible direction marks and the two
noncharacters XML refuses (U+FFFE, U+FFFF: a Word or Excel file could not hold them) by their
escape (``\\x9b``, ``\\u202e``, ``\\ufffe``). Rich markup is not escaped here: tables take data as
:class:`rich.text.Text`, which Rich never parses (see :mod:`thiduaCLI.cli.quicktable`).

The limits on what may be stored live here too, so that every way in checks the same.
"""

from __future__ import annotations

import re

from thiduaCLI.errors import InputError
from thiduaCLI.text.i18n import _

NOTE_LIMIT = 2_000  # characters of a note or a reason
NAME_LIMIT = 200  # characters of who recorded a figure, and of a name in the plan

# C0 controls but tab (it moves nothing a reader cannot see), DEL, C1 controls, the
# marks that reorder or hide text (bidi overrides and isolates), and U+FFFE, U+FFFF.
# Zero-width joiners are left alone: Vietnamese text does not use them, but emoji do.
_HIDDEN = re.compile(
    r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufffe\uffff]"
)
_HIDDEN_BUT_NEWLINE = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufffe\uffff]"
)


def _stand_in(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟ (ESC is ␛)
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def visible(text: str, *, newlines: bool = False) -> str:
    """``text`` with every control or invisible direction character shown as a visible
    stand-in; with ``newlines``, a line break stays a line break (inside a table cell)."""
    pattern = _HIDDEN_BUT_NEWLINE if newlines else _HIDDEN
    return pattern.sub(_stand_in, text) if pattern.search(text) else text


def has_hidden(text: str) -> bool:
    """Whether :func:`visible` would change ``text``."""
    return _HIDDEN.search(text) is not None


def check_length(text: str | None, limit: int, what: str) -> str | None:
    """``text`` when it holds at most ``limit`` characters; else an :class:`InputError` naming
    ``what`` (already in the reader's language), its length and the limit."""
    if text is not None and len(text) > limit:
        raise InputError(
            _("{what} dài {length} ký tự, tối đa {limit}").format(
                what=what, length=_grouped(len(text)), limit=_grouped(limit)
            )
        )
    return text


def _grouped(number: int) -> str:
    return f"{number:,}".replace(",", ".")
