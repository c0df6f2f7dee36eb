"""The documentation holds: the CLI reference is current, every command has help, links resolve."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent
MARKDOWN = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _tool() -> ModuleType:  # the tools folder is not a package
    path = ROOT / "tools" / "cli_reference.py"
    spec = importlib.util.spec_from_file_location("cli_reference", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["cli_reference"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def reference() -> tuple[ModuleType, dict[str, dict[tuple[str, ...], str]]]:
    """The generator, and every command's help in both languages (run once: 40 processes)."""
    tool = _tool()
    return tool, {language: tool.collect(language) for language in tool.PAGES}


def test_the_cli_reference_is_current(reference, capsys) -> None:
    tool, helps = reference
    expected = {page: tool.render(lang, helps[lang]) for lang, page in tool.PAGES.items()}
    code = tool.check(ROOT, expected)
    assert code == 0, capsys.readouterr().err


def test_a_stale_reference_fails_with_one_line_naming_the_file(reference, tmp_path, capsys):
    tool, helps = reference
    expected = {page: tool.render(lang, helps[lang]) for lang, page in tool.PAGES.items()}
    tool.write(tmp_path, expected)
    capsys.readouterr()
    assert tool.check(tmp_path, expected) == 0
    stale = tmp_path / "docs" / "en" / "cli.md"
    stale.write_text(stale.read_text(encoding="utf-8").replace("--total", "--sum"), "utf-8")
    assert tool.check(tmp_path, expected) == 1
    message = capsys.readouterr().err
    assert message.count("\n") == 1
    assert "docs/en/cli.md" in message and "docs/cli.md," not in message


def test_every_command_is_in_the_reference(reference) -> None:
    tool, helps = reference
    names = {" ".join(path) for path in helps["vi"]}
    assert {"", "report", "status", "rank", "db", "db path"} <= names
    for language, page in tool.PAGES.items():
        text = (ROOT / page).read_text(encoding="utf-8")
        for path in helps[language]:
            assert f"\n## {' '.join(('thidua', *path))}\n" in text


@pytest.mark.parametrize("language", ["vi", "en"])
def test_every_command_has_help(reference, language: str) -> None:
    """Each command's help says what it does, beyond the usage line and the options."""
    _, helps = reference
    usage = {"vi": "Cách dùng: thidua", "en": "Usage: thidua"}[language]
    for path, text in helps[language].items():
        lines = text.splitlines()
        assert lines[0].startswith(usage), (path, lines[0])
        description = [line for line in lines[1:] if line.startswith("  ") and line.strip()]
        assert description and not description[0].lstrip().startswith("-"), (path, text)


LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def _prose(path: Path) -> str:
    """The text of ``path`` without its code blocks and code spans."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def _relative_links(path: Path) -> list[str]:
    """The targets of the Markdown links of ``path`` that are not web or mail addresses."""
    return [
        target
        for target in LINK.findall(_prose(path))
        if not re.match(r"^[a-z][a-z0-9+.-]*:", target)
    ]


def _anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of ``path`` (lower case, punctuation dropped)."""
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.S)
    found: set[str] = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", text, flags=re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        candidate, n = slug, 0
        while candidate in found:
            n += 1
            candidate = f"{slug}-{n}"
        found.add(candidate)
    return found


def _broken(page: Path) -> list[str]:
    broken = []
    for link in _relative_links(page):
        file, _, anchor = link.partition("#")
        target = (page.parent / file) if file else page
        missing_anchor = (
            target.exists() and target.suffix == ".md" and anchor and anchor not in _anchors(target)
        )
        if not target.exists() or missing_anchor:
            broken.append(link)
    return broken


@pytest.mark.parametrize("page", MARKDOWN, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_resolves(page: Path) -> None:
    """Each relative link names a file that exists, and a heading of it when it has an anchor."""
    assert _broken(page) == []


def test_the_link_check_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "a.md"
    page.write_text(
        "# Số liệu chính xác\n\n## Exit codes (`--json`)\n\n"
        "[ok](a.md) [web](https://x.example) [top](#số-liệu-chính-xác) `[code](no.md)`\n"
        "[gone](b.md#part) [codes](#exit-codes---json) [nowhere](#nowhere) [bad](a.md#bad)\n",
        encoding="utf-8",
    )
    assert _broken(page) == ["b.md#part", "#nowhere", "a.md#bad"]


def test_the_library_page_example_runs_and_prints_what_it_says(tmp_path, capsys) -> None:
    """docs/library.md's example, run as written (on a database in a temporary folder)."""
    page = (ROOT / "docs" / "library.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", page, re.S)
    assert code is not None
    said = re.search(r"prints `([^`]+)`", page)
    assert said is not None
    database = tmp_path / "lib.sqlite3"
    exec(
        compile(code.group(1).replace("/tmp/lib.sqlite3", str(database)), "library.md", "exec"), {}
    )
    assert capsys.readouterr().out.strip() == said.group(1)
    assert database.exists()
