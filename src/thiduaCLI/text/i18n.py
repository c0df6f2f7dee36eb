"""The language users read: Vietnamese by default, English on request, through gettext.

Messages are written in Vietnamese in the code (the ward's language is the source language);
``locale/<lang>/LC_MESSAGES/thidua.po`` holds each language's wording and the compiled
``thidua.mo`` next to it is what runs. ``tools/catalogues.py`` extracts, updates and compiles
them with Babel's tooling.

Wrap every message a user reads in ``_()`` (``N_()`` marks a message translated later, at
use), with named ``{placeholders}`` filled in after translation::

    _("không có đơn vị '{query}'").format(query=query)
"""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
DOMAIN = "thidua"
LOCALE_DIR = Path(__file__).parent.parent / "locale"

# The language of what is being shown now, and its catalogue: one per invocation of the
# command line (see :func:`speaking`), kept in a context variable so that a thread or a task
# that chooses its own does not change anyone else's.
_speaking: ContextVar[tuple[str, gettext.NullTranslations]] = ContextVar(
    "thidua_language", default=(DEFAULT_LANGUAGE, gettext.NullTranslations())
)


def use(language: str) -> None:
    """Read every following message in ``language`` (one of :data:`LANGUAGES`)."""
    _speaking.set(_catalogue(language))


def _catalogue(language: str) -> tuple[str, gettext.NullTranslations]:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    return language, gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Read messages in ``language`` inside the ``with`` block, then in the one before.

    One invocation of the command line speaks one language; the next one in the same process
    (a test, a script calling :func:`thiduaCLI.cli.app.main` twice) chooses again.
    """
    token = _speaking.set(_catalogue(language))
    try:
        yield
    finally:
        _speaking.reset(token)


def language() -> str:
    """The language messages are currently read in: ``vi`` or ``en``."""
    return _speaking.get()[0]


def _(message: str) -> str:
    """``message`` in the current language."""
    return _speaking.get()[1].gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message that suits ``count`` (Vietnamese has one form, English two)."""
    return _speaking.get()[1].ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogues; it is translated later, where it is shown."""
    return message
