"""Typer's and Click's own words (help headings, the usage line, usage errors) in our language.

Typer prints a few words of its own around our help texts, and Click writes its usage errors
in English; both are put into the user's language here, through the same catalogues.
"""

from __future__ import annotations

import inspect
import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

from thiduaCLI.text.i18n import N_, _

# Click's usage errors, as patterns over its English text, and our message for each.
_USAGE_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), message)
    for pattern, message in (
        (r"^Missing argument '(?P<name>[^']+)'\.$", N_("thiếu đối số {name}")),
        (r"^Missing option '(?P<name>[^']+)'\.$", N_("thiếu tùy chọn {name}")),
        (r"^Missing command\.$", N_("thiếu lệnh")),
        (
            r"^No such command '(?P<name>[^']+)'\.(?: Did you mean (?P<hint>.+)\?)?$",
            N_("không có lệnh '{name}'"),
        ),
        (r"^No such option: (?P<name>\S+?)(?:\s.*)?$", N_("không có tùy chọn {name}")),
        (
            r"^Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)$",
            N_("thừa đối số: {args}"),
        ),
        (
            r"^Option '(?P<name>[^']+)' requires (?:an argument|\d+ arguments)\.$",
            N_("tùy chọn {name} cần một giá trị"),
        ),
        (
            r"^Option '(?P<name>[^']+)' does not take a value\.$",
            N_("tùy chọn {name} không nhận giá trị"),
        ),
        (
            r"^Invalid value for '(?P<name>[^']+)'[^:]*: .*less than or equal to (?P<n>\S+?)\.?$",
            N_("{name}: giá trị phải nhỏ hơn hoặc bằng {n}"),
        ),
        (
            r"^Invalid value for '(?P<name>[^']+)'[^:]*: .*greater than or equal to (?P<n>\S+?)"
            r"\.?$",
            N_("{name}: giá trị phải lớn hơn hoặc bằng {n}"),
        ),
        (
            r"^Invalid value for '(?P<name>[^']+)'[^:]*: .*(?:valid integer|is not a valid int)",
            N_("{name}: giá trị phải là số nguyên"),
        ),
        (r"^Invalid value for '(?P<name>[^']+)'[^:]*: (?P<why>.*)$", N_("{name}: {why}")),
    )
)


def usage_error(message: str) -> str:
    """Click's English usage error ``message``, said in the user's language."""
    for pattern, template in _USAGE_ERRORS:
        found = pattern.match(message.strip())
        if found:
            return _(template).format(**found.groupdict())
    return message


def help_hint(command: str) -> str:
    """Where to read more after a usage error."""
    return _("xem: {command} --help").format(command=command)


# Typer writes these words of its help through gettext; ours replace them (see _speak_ours).
_TYPER_WORDS = {
    "Arguments": N_("Đối số"),
    "Options": N_("Tùy chọn"),
    "Commands": N_("Lệnh"),
    "required": N_("bắt buộc"),
    "default: {default}": N_("mặc định: {default}"),
    "env var: {var}": N_("biến môi trường: {var}"),
}
# A help paragraph such as "Ví dụ: thidua status --period 2026-H1" is shown as typed.
_EXAMPLE = re.compile(r"^[^:\n]+: thidua ")
_WHOLE_SENTENCE = 1_000  # the command list shows each command's first sentence whole


def _typer_word(message: str) -> str:
    """One of Typer's own help words in our language; any other message as it is."""
    ours = _TYPER_WORDS.get(message)
    return message if ours is None else _(ours)


def _speak_ours() -> None:
    """Typer's section titles and notes ([bắt buộc], [mặc định: …]) in our language.

    Typer's plain (non-Rich) help writes them through the ``_`` of :mod:`typer.core`, which
    is gettext under Typer's own domain; the help is drawn through ours instead.
    """
    import typer.core

    typer.core._ = _typer_word


def _as_typed(paragraph: str) -> str:
    """An example paragraph with Click's no-rewrap marker, so that no line break lands
    inside the command; any other paragraph as it is, for Click to wrap."""
    return f"\b\n{paragraph}" if _EXAMPLE.match(paragraph) else paragraph


class _Localised:
    """A command's help, its usage line and its help option, in our language.

    The help is Click's plain help (the apps set ``rich_markup_mode=None``): drawing it
    does not import Rich, so ``thidua --help`` starts as fast as Typer itself.
    """

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _speak_ours()
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Cách dùng: "))

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        text = inspect.cleandoc(self.help or "").partition("\f")[0]  # type: ignore[attr-defined]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text("\n\n".join(map(_as_typed, text.split("\n\n"))))

    def get_short_help_str(self, limit: int = 45) -> str:
        text: str = super().get_short_help_str(_WHOLE_SENTENCE)  # type: ignore[misc]
        return text

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("In hướng dẫn này rồi thoát.")
        return option


class LocalisedGroup(_Localised, TyperGroup):
    """The ``thidua`` command group."""


class LocalisedCommand(_Localised, TyperCommand):
    """One ``thidua`` command."""
