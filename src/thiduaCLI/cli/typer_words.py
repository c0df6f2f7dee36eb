"""Our help texts, and Typer's and Click's own words (help headings, the usage line, usage
errors), in the user's language.

The commands declare their help in Vietnamese marked with ``N_``; Typer prints a few words of
its own around them, and Click writes its usage errors in English. All are put into the
language of the invocation when they are shown, through the same catalogues.
"""

from __future__ import annotations

import inspect
import re
from typing import TYPE_CHECKING, Any

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
        (  # an unknown option of a command that takes "-1,5" as a value
            r"^Got unexpected extra argument(?:s|\(s\))? \((?P<name>-(?![\d,.])\S*)(?:\s.*)?\)$",
            N_("không có tùy chọn {name}"),
        ),
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


# Typer writes these words of its help in English; ours replace them when the help is drawn.
_TYPER_WORDS = {
    "Arguments": N_("Đối số"),
    "Options": N_("Tùy chọn"),
    "Commands": N_("Lệnh"),
    "required": N_("bắt buộc"),
}
_TYPER_NOTES = (  # notes with a value: Typer's English prefix, ours
    ("default: ", N_("mặc định: {default}")),
    ("env var: ", N_("biến môi trường: {var}")),
)
# A help paragraph such as "Ví dụ: thidua status --period 2026-H1" is shown as typed.
_EXAMPLE = re.compile(r"^[^:\n]+: thidua ")
# The notes Typer appends to a parameter's help: "  [env var: THIDUA_DB; default: vi]".
_NOTES = re.compile(r"^\s+\[(?P<notes>.*)\]$", re.DOTALL)


def _typer_word(message: str) -> str:
    """One of Typer's own help words in our language; any other message as it is."""
    ours = _TYPER_WORDS.get(message)
    return message if ours is None else _(ours)


def _typer_note(note: str) -> str:
    """One note of a parameter's help (``required``, ``default: vi``) in our language."""
    for prefix, ours in _TYPER_NOTES:
        if note.startswith(prefix):
            value = note[len(prefix) :]
            return _(ours).format(default=value, var=value)
    return _typer_word(note)


def parameter_help(source: str | None, record: str) -> str:
    """A parameter's help line, as Typer wrote it (``record``) from the marked help text
    ``source``, in our language: the help text translated, and Typer's notes after it."""
    source = source or ""
    if not record.startswith(source):  # not what this module knows how to read: as it is
        return record
    text, rest = (_(source) if source else ""), record[len(source) :]
    notes = _NOTES.match(rest) if source else _NOTES.match(f" {rest}")
    if notes is None:
        return text + rest
    ours = "; ".join(_typer_note(note) for note in notes["notes"].split("; "))
    return f"{text}  [{ours}]" if text else f"[{ours}]"


def first_sentence(text: str) -> str:
    """What the command list shows of a help text: its first sentence, whole (Click's short
    help without its 45-column cut)."""
    words = text.partition("\n\n")[0].split()
    if words[:1] == ["\b"]:
        words = words[1:]
    for index, word in enumerate(words):
        if word.endswith("."):
            return " ".join(words[: index + 1])
    return " ".join(words)


def _as_typed(paragraph: str) -> str:
    """An example paragraph with Click's no-rewrap marker, so that no line break lands
    inside the command; any other paragraph as it is, for Click to wrap."""
    return f"\b\n{paragraph}" if _EXAMPLE.match(paragraph) else paragraph


if TYPE_CHECKING:  # the mixin is read as the command it is mixed into
    _Command = TyperCommand
else:
    _Command = object


class _Localised(_Command):
    """A command's help, its usage line and its help option, in our language.

    The help texts are declared in Vietnamese, marked with ``N_``, and translated here, when
    Click draws the help: the language is the one of the invocation, never of the import.
    The help is Click's plain help (the apps set ``rich_markup_mode=None``): drawing it
    does not import Rich, so ``thidua --help`` starts as fast as Typer itself.

    Only Click's public methods of a command are overridden (``format_*``,
    ``get_short_help_str``, ``get_help_option``); ``tests/test_contracts.py`` checks
    that Typer still writes the notes :func:`parameter_help` reads.
    """

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=_("Cách dùng: "))

    def format_help_text(self, ctx: Any, formatter: Any) -> None:
        text = inspect.cleandoc(_(self.help) if self.help else "").partition("\f")[0]
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text("\n\n".join(map(_as_typed, text.split("\n\n"))))

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return _(self.short_help)
        return first_sentence(_(self.help)) if self.help else ""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        """The arguments and the options, each with its help in our language."""
        arguments, options = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None:
                continue
            name, text = record
            line = (name, parameter_help(getattr(param, "help", None), text))
            if param.param_type_name == "argument":
                arguments.append(line)
            elif param.param_type_name == "option":
                options.append(line)
        for title, lines in (
            (_typer_word("Arguments"), arguments),
            (_typer_word("Options"), options),
        ):
            if lines:
                with formatter.section(title):
                    formatter.write_dl(lines)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = N_("In hướng dẫn này rồi thoát.")
        return option


class LocalisedGroup(_Localised, TyperGroup):
    """The ``thidua`` command group."""

    def format_options(self, ctx: Any, formatter: Any) -> None:
        super().format_options(ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Each command with the first sentence of its help, in our language."""
        commands = [
            (name, command)
            for name in self.list_commands(ctx)
            if (command := self.get_command(ctx, name)) is not None and not command.hidden
        ]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _command in commands)
            rows = [(name, command.get_short_help_str(limit)) for name, command in commands]
            with formatter.section(_typer_word("Commands")):
                formatter.write_dl(rows)


class LocalisedCommand(_Localised, TyperCommand):
    """One ``thidua`` command."""
