"""How the person at the keyboard writes and reads: the language and the number convention.

Both are settled for each invocation, before the command line is parsed: ``--lang`` and
``--number-format`` are taken out of the arguments wherever they stand (before a ``--``), else
read from ``THIDUA_LANG`` and ``THIDUA_NUMBER_FORMAT``; :func:`adopted` holds them while the
command runs and its help is drawn.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from thiduaCLI.errors import UsageProblem
from thiduaCLI.text.i18n import DEFAULT_LANGUAGE, LANGUAGES, _, speaking

NUMBER_FORMATS = ("vi", "en")
OPTIONS = {"--lang": "THIDUA_LANG", "--number-format": "THIDUA_NUMBER_FORMAT"}


@dataclass(frozen=True)
class Conventions:
    """The language messages are read in, and how typed numbers are read.

    ``number_format`` is ``None`` when nobody chose one: typed values then follow the
    language, and an import file follows the language of its header.
    """

    language: str = DEFAULT_LANGUAGE
    number_format: str | None = None

    @property
    def typed_numbers(self) -> str:
        """The convention for numbers typed on the command line."""
        return self.number_format or self.language


# The conventions of the invocation running now (a frozen dataclass: safe as the default).
_current: ContextVar[Conventions] = ContextVar("thidua_conventions", default=Conventions())  # noqa: B039


def current() -> Conventions:
    """The conventions of the invocation running now."""
    return _current.get()


def adopt(conventions: Conventions) -> None:
    """Make ``conventions`` the ones that follow use (prefer :func:`adopted`)."""
    _current.set(conventions)


@contextmanager
def adopted(conventions: Conventions) -> Iterator[None]:
    """``conventions`` (and their language) inside the ``with`` block, then the ones before."""
    token = _current.set(conventions)
    try:
        with speaking(conventions.language):
            yield
    finally:
        _current.reset(token)


def settle(argv: Sequence[str], environ: Mapping[str, str]) -> tuple[Conventions, list[str]]:
    """The conventions asked for, and the arguments left for the command line parser."""
    chosen: dict[str, str] = {}
    rest: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--":
            rest.append(arg)
            rest.extend(args)
            break
        option, equals, value = arg.partition("=")
        if option not in OPTIONS:
            rest.append(arg)
            continue
        if not equals:
            value = next(args, "")
            if not value or value.startswith("-"):
                raise UsageProblem(_("{option} cần một giá trị: vi hoặc en").format(option=option))
        chosen[option] = value
    for option, variable in OPTIONS.items():
        if option not in chosen and environ.get(variable):
            chosen[option] = environ[variable]
    language = _checked(chosen, "--lang", LANGUAGES) or DEFAULT_LANGUAGE
    number_format = _checked(chosen, "--number-format", NUMBER_FORMATS)
    return Conventions(language, number_format), rest


def _checked(chosen: dict[str, str], option: str, allowed: tuple[str, ...]) -> str | None:
    value = chosen.get(option)
    if value is None:
        return None
    if value.strip().lower() not in allowed:
        raise UsageProblem(
            _("{option} {value}: chọn một trong {allowed}").format(
                option=option, value=value, allowed=", ".join(allowed)
            )
        )
    return value.strip().lower()
