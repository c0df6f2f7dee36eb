"""Write the command-line reference, ``docs/cli.md`` and ``docs/en/cli.md``, from ``--help``.

    python tools/cli_reference.py            # write both files
    python tools/cli_reference.py --check    # exit 1, naming the stale file, when one differs

The commands are enumerated from the Typer app object (nested groups included); each one's
text is what the real program prints for ``thidua … --help``, run as a separate process
(``python -m thiduaCLI``, named ``thidua``) with a fixed environment: 100 columns, no colour,
no terminal, a throw-away HOME, no ``THIDUA_*`` setting but the language. The reference
therefore depends only on the command line's observable help, however that help is produced.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src"
COLUMNS = "100"
# ``python -m thiduaCLI``, named ``thidua`` as the installed script is (Click names a program
# run with -m "python -m thiduaCLI" in its usage line).
AS_THIDUA = (
    "import runpy, sys; sys.argv[0] = 'thidua'; runpy.run_module('thiduaCLI', run_name='__main__')"
)
PAGES = {"vi": Path("docs/cli.md"), "en": Path("docs/en/cli.md")}

TITLES = {
    "vi": (
        "# Tài liệu các lệnh của thidua\n\n"
        "Trang này được sinh tự động từ `thidua … --help` bằng `python tools/cli_reference.py`;"
        " đừng sửa tay. [English](en/cli.md) · [Mục lục tài liệu](index.md)\n"
    ),
    "en": (
        "# thidua command reference\n\n"
        "Generated from `thidua … --help` (with `THIDUA_LANG=en`) by"
        " `python tools/cli_reference.py`; do not edit by hand."
        " [Tiếng Việt](../cli.md) · [Documentation index](../index.md)\n"
    ),
}
CONTENTS = {"vi": "## Các lệnh\n", "en": "## Commands\n"}


def command_paths() -> list[tuple[str, ...]]:
    """Every command of the app, depth first in declaration order: ``()`` is ``thidua``."""
    if str(SOURCE) not in sys.path:
        sys.path.insert(0, str(SOURCE))
    import typer

    from thiduaCLI.cli.app import app

    def walk(command: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
        if getattr(command, "hidden", False):
            return
        yield path
        children = getattr(command, "commands", None)  # a group's sub-commands, in order
        if isinstance(children, dict):
            for name, child in children.items():
                yield from walk(child, (*path, name))

    return list(walk(typer.main.get_command(app), ()))


def _environment(language: str, home: str) -> dict[str, str]:
    """A fixed environment: the same help on any machine, terminal or day."""
    return {
        "PATH": os.defpath,
        "HOME": home,
        "XDG_DATA_HOME": home,
        "XDG_CONFIG_HOME": home,
        "PYTHONPATH": str(SOURCE),
        "PYTHONIOENCODING": "utf-8",
        "PYTHONUTF8": "1",
        "LC_ALL": "C.UTF-8",
        "TZ": "UTC",
        "TERM": "dumb",
        "NO_COLOR": "1",
        "COLUMNS": COLUMNS,
        "LINES": "50",
        "THIDUA_LANG": language,
        "THIDUA_DB": str(Path(home) / "unused.sqlite3"),
    }


def help_text(path: tuple[str, ...], language: str, home: str) -> str:
    """What ``thidua PATH --help`` prints, trailing spaces removed."""
    done = subprocess.run(
        [sys.executable, "-c", AS_THIDUA, *path, "--help"],
        env=_environment(language, home),
        cwd=home,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    if done.returncode != 0 or done.stderr:
        raise RuntimeError(f"thidua {' '.join(path)} --help: exit {done.returncode}: {done.stderr}")
    return "\n".join(line.rstrip() for line in done.stdout.strip("\n").splitlines())


def collect(language: str) -> dict[tuple[str, ...], str]:
    """Every command's help in one language."""
    paths = command_paths()
    with tempfile.TemporaryDirectory() as home, ThreadPoolExecutor(max_workers=4) as pool:
        texts = list(pool.map(lambda path: help_text(path, language, home), paths))
    return dict(zip(paths, texts, strict=True))


def _name(path: tuple[str, ...]) -> str:
    return " ".join(("thidua", *path))


def _anchor(path: tuple[str, ...]) -> str:
    return "-".join(("thidua", *path))


def render(language: str, helps: dict[tuple[str, ...], str]) -> str:
    """The Markdown page of one language."""
    parts = [TITLES[language], CONTENTS[language]]
    parts.append("".join(f"- [{_name(path)}](#{_anchor(path)})\n" for path in helps))
    for path, text in helps.items():
        parts.append(f"## {_name(path)}\n\n```text\n{text}\n```\n")
    return "\n".join(parts)


def pages() -> dict[Path, str]:
    """Each reference file (relative to the repository) and what it should hold."""
    return {page: render(language, collect(language)) for language, page in PAGES.items()}


def check(root: Path, expected: dict[Path, str]) -> int:
    """0 when every file under ``root`` holds what it should; else 1 and one line naming it."""
    stale = [
        str(page)
        for page, text in expected.items()
        if not (root / page).exists() or (root / page).read_text(encoding="utf-8") != text
    ]
    if stale:
        print(
            f"stale CLI reference: {', '.join(stale)}; run python tools/cli_reference.py",
            file=sys.stderr,
        )
        return 1
    return 0


def write(root: Path, expected: dict[Path, str]) -> None:
    for page, text in expected.items():
        (root / page).parent.mkdir(parents=True, exist_ok=True)
        (root / page).write_text(text, encoding="utf-8", newline="\n")
        print(f"wrote {page}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a file is stale")
    arguments = parser.parse_args(argv)
    expected = pages()
    if arguments.check:
        return check(ROOT, expected)
    write(ROOT, expected)
    return 0


if __name__ == "__main__":
    sys.exit(main())
