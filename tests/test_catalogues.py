"""Every message a user reads exists in both languages, and each language really shows."""

from __future__ import annotations

import ast
import importlib.util
import re
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import Run

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "thiduaCLI"
MARKERS = {"_", "N_", "ngettext"}
DATA_MARK = "i18n: data"  # a comment on a line whose Vietnamese text is data, not a message


def _tool():  # the tools folder is not a package
    spec = importlib.util.spec_from_file_location("catalogues", ROOT / "tools" / "catalogues.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["catalogues"] = module
    spec.loader.exec_module(module)
    return module


def vietnamese(text: str) -> bool:
    """True when ``text`` has a letter or tone mark English does not use."""
    decomposed = unicodedata.normalize("NFD", text)
    return bool(re.search("[ăâđêôơưĂÂĐÊÔƠƯ]", text)) or any(
        unicodedata.combining(ch) for ch in decomposed
    )


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_message_has_a_translation_and_the_mo_is_compiled(language: str) -> None:
    tool = _tool()
    assert tool.problems(language, tool.extracted()) == []


def test_the_catalogues_hold_the_messages_the_code_marks() -> None:
    tool = _tool()
    template = tool.extracted()
    texts = {tool._text(message.id) for message in template if message.id}
    assert "Lỗi: {message}" in texts
    assert len(texts) > 300  # every module's messages, not a handful


def _unmarked(path: Path) -> list[str]:
    """Vietnamese string constants in ``path`` that no gettext marker wraps."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    inside: set[int] = set()
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in MARKERS:
            inside.update(id(child) for arg in node.args for child in ast.walk(arg))
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            docstrings.add(id(body[0].value))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            continue
        if id(node) in inside or id(node) in docstrings or not vietnamese(node.value):
            continue
        if DATA_MARK in lines[node.lineno - 1]:
            continue
        found.append(f"{path.name}:{node.lineno}: {node.value!r}")
    return found


def test_no_message_bypasses_the_catalogues() -> None:
    unmarked = [line for path in sorted(PACKAGE.glob("*.py")) for line in _unmarked(path)]
    assert unmarked == []


COMMANDS = [
    [],
    ["init"],
    ["report"],
    ["status"],
    ["rank"],
    ["show"],
    ["indicators"],
    ["units"],
    ["history"],
    ["correct"],
    ["retract"],
    ["import"],
    ["export"],
    ["form"],
    ["backup"],
    ["check"],
    ["overdue"],
    ["db"],
    ["db", "path"],
]
CLICK_WORDS = ("Usage:", "Show this message", "Arguments", "Options", "Commands", "[required]")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "thidua")
def test_help_is_english_with_lang_en(thidua: Callable[..., Run], command: list[str]) -> None:
    done = thidua("--lang", "en", *command, "--help")
    assert done.code == 0, done.err
    assert [line for line in done.out.splitlines() if vietnamese(line)] == []
    assert "Usage: " in done.out and "Example" in done.out


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "thidua")
def test_help_is_vietnamese_by_default(thidua: Callable[..., Run], command: list[str]) -> None:
    done = thidua(*command, "--help")
    assert done.code == 0, done.err
    assert [word for word in CLICK_WORDS if word in done.out] == []
    assert "Cách dùng: " in done.out and "Ví dụ" in done.out


def test_thidua_lang_variable_chooses_english(thidua: Callable[..., Run]) -> None:
    done = thidua("--help", env={"THIDUA_LANG": "en"})
    assert "Usage: " in done.out
    assert thidua("--help", env={"THIDUA_LANG": "en"}).out == thidua("--lang=en", "--help").out


def test_lang_option_wins_over_the_variable_and_works_after_the_command(
    thidua: Callable[..., Run],
) -> None:
    done = thidua("status", "--help", "--lang", "vi", env={"THIDUA_LANG": "en"})
    assert "Cách dùng: thidua status" in done.out


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--lang", "fr", "status"], {}, "Lỗi: --lang fr: chọn một trong vi, en"),
        (["status"], {"THIDUA_LANG": "de"}, "Lỗi: --lang de: chọn một trong vi, en"),
        (["status", "--lang"], {}, "Lỗi: --lang cần một giá trị: vi hoặc en"),
        (["--number-format", "us", "status"], {}, "Lỗi: --number-format us: chọn một trong vi, en"),
    ],
)
def test_a_language_or_number_format_nobody_has_is_a_usage_error(
    thidua: Callable[..., Run], db: Path, args: list[str], env: dict[str, str], message: str
) -> None:
    done = thidua(*args, env=env)
    assert (done.code, done.err, done.out) == (2, message + "\n", "")
    assert not db.exists()


@pytest.mark.parametrize(
    ("args", "vietnamese_line", "english_line"),
    [
        (
            ["report"],
            "Lỗi: thiếu đối số unit (xem: thidua report --help)",
            "Error: missing argument unit (see: thidua report --help)",
        ),
        (
            ["nothing"],
            "Lỗi: không có lệnh 'nothing' (xem: thidua --help)",
            "Error: no command 'nothing' (see: thidua --help)",
        ),
        (
            ["status", "--bogus"],
            "Lỗi: không có tùy chọn --bogus (xem: thidua status --help)",
            "Error: no option --bogus (see: thidua status --help)",
        ),
        (
            ["status", "extra"],
            "Lỗi: thừa đối số: extra (xem: thidua status --help)",
            "Error: unexpected extra arguments: extra (see: thidua status --help)",
        ),
        (  # report takes "-1,5" as a value, yet an unknown option is still one
            ["report", "K01", "VIEC_LAM", "5", "--wat"],
            "Lỗi: không có tùy chọn --wat (xem: thidua report --help)",
            "Error: no option --wat (see: thidua report --help)",
        ),
        (
            ["correct", "1", "5", "--reason", "x", "--wat", "y"],
            "Lỗi: không có tùy chọn --wat (xem: thidua correct --help)",
            "Error: no option --wat (see: thidua correct --help)",
        ),
        (  # Click gives no context here: the command typed is named all the same
            ["rank", "--block"],
            "Lỗi: tùy chọn --block cần một giá trị (xem: thidua rank --help)",
            "Error: option --block needs a value (see: thidua rank --help)",
        ),
        (
            ["plan", "dump", "-o"],
            "Lỗi: tùy chọn -o cần một giá trị (xem: thidua plan dump --help)",
            "Error: option -o needs a value (see: thidua plan dump --help)",
        ),
        (
            ["--year", "3000", "status"],
            "Lỗi: --year: giá trị phải nhỏ hơn hoặc bằng 2100 (xem: thidua --help)",
            "Error: --year: the value must be at most 2100 (see: thidua --help)",
        ),
    ],
)
def test_usage_errors_in_both_languages(
    thidua: Callable[..., Run], args: list[str], vietnamese_line: str, english_line: str
) -> None:
    assert thidua(*args).err == vietnamese_line + "\n"
    done = thidua("--lang", "en", *args)
    assert (done.code, done.err) == (2, english_line + "\n")
