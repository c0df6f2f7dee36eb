"""Typer's and Click's own words (help panels, the usage line, usage errors) in our language.

Typer prints a few words of its own around our help texts, and Click writes its usage errors
in English; both are put into the user's language here, through the same catalogues.
"""

from __future__ import annotations

import re
from typing import Any

from typer.core import TyperCommand, TyperGroup

from thiduaCLI.i18n import N_, _

_USAGE_PREFIX = "Usage: "

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


def localise_help_panels() -> None:
    """Typer's panel titles and notes (Arguments, Options, [required]…) in our language."""
    from typer import rich_utils

    words = {
        "ARGUMENTS_PANEL_TITLE": _("Đối số"),
        "OPTIONS_PANEL_TITLE": _("Tùy chọn"),
        "COMMANDS_PANEL_TITLE": _("Lệnh"),
        "ERRORS_PANEL_TITLE": _("Lỗi"),
        "REQUIRED_LONG_STRING": _("[bắt buộc]"),
        "DEFAULT_STRING": _("[mặc định: {}]"),
        "ENVVAR_STRING": _("[biến môi trường: {}]"),
        "DEPRECATED_STRING": _("(không dùng nữa) "),
        "ABORTED_TEXT": _("Đã dừng."),
    }
    for name, text in words.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


class _Localised:
    """The usage line and the help option of a command, in our language."""

    def get_usage(self, ctx: Any) -> str:
        usage: str = super().get_usage(ctx)  # type: ignore[misc]
        return usage.replace(_USAGE_PREFIX, _("Cách dùng: "), 1)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = _("In hướng dẫn này rồi thoát.")
        return option


class LocalisedGroup(_Localised, TyperGroup):
    """The ``thidua`` command group."""


class LocalisedCommand(_Localised, TyperCommand):
    """One ``thidua`` command."""
