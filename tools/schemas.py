"""Write the JSON Schema of every command's JSON output into docs/schemas/.

Each schema is generated from the result model the command's ``--json`` dumps
(:data:`thiduaCLI.results.SCHEMAS`), in pydantic's serialization mode: what a script reads.

Usage::

    python tools/schemas.py            # (re)write docs/schemas/<command>.json
    python tools/schemas.py --check    # exit 1, naming the files, when they are stale
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "docs" / "schemas"


def generated() -> dict[str, str]:
    """Each schema file's name and text, from the models."""
    from thiduaCLI.results import SCHEMAS

    files = {}
    for command, model in SCHEMAS.items():
        schema = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"thidua/{command}.json",
            **model.model_json_schema(mode="serialization"),
        }
        files[f"{command}.json"] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return files


def stale(folder: Path = FOLDER) -> list[str]:
    """The files that differ from the models, are missing, or belong to no model."""
    wanted = generated()
    found = {path.name for path in folder.glob("*.json")} if folder.is_dir() else set()
    differ = [
        name
        for name, text in wanted.items()
        if name not in found or (folder / name).read_text(encoding="utf-8") != text
    ]
    return sorted(differ + [name for name in found if name not in wanted])


def write(folder: Path = FOLDER) -> None:
    """Write every schema, and remove the files no model makes any more."""
    folder.mkdir(parents=True, exist_ok=True)
    wanted = generated()
    for name, text in wanted.items():
        (folder / name).write_text(text, encoding="utf-8")
    for path in folder.glob("*.json"):
        if path.name not in wanted:
            path.unlink()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the files are stale")
    arguments = parser.parse_args(argv)
    if arguments.check:
        names = stale()
        if names:
            print(
                f"stale JSON Schemas in {FOLDER}: {', '.join(names)}; run python tools/schemas.py",
                file=sys.stderr,
            )
            return 1
        return 0
    write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
