"""The architecture holds: each layer imports only the layers beneath it.

errors < text < domain < files < storage < the library (ledger) < cli. The command line
imports the library, never the other way round; the rules import no database and no shell.
"""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "thiduaCLI"

LAYERS = {
    "errors": 0,
    "text": 1,
    "domain": 2,
    "files": 3,
    "storage": 4,
    "ledger": 5,
    "results": 5,
    "wording": 5,
    "cli": 6,
    "papers": 6,
}


def _layer(module: str) -> str | None:
    """The layer a dotted ``thiduaCLI`` module belongs to (None: the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _imports(path: Path) -> set[str]:
    """Every ``thiduaCLI`` module ``path`` imports, at the top, in functions or for typing,
    and every module named to ``import_module`` as a literal; a relative import is reported
    as ``relative:`` (the package imports absolutely, so that this check sees everything)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.add(f"relative:{'.' * node.level}{node.module or ''}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None)) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            found.add(str(node.args[0].value))
    return {name for name in found if name.startswith(("thiduaCLI.", "relative:"))}


def _module_name(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    return ".".join(part for part in relative.parts if part != "__init__")


def layer_violations() -> list[str]:
    """``importer -> imported`` for each import that reaches up a layer."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = _module_name(path)
        own = _layer(importer)
        if own is None:
            continue
        for imported in sorted(_imports(path)):
            if imported.startswith("relative:"):
                found.append(f"{importer} -> {imported}")
                continue
            other = _layer(imported)
            if other is not None and LAYERS[other] > LAYERS[own]:
                found.append(f"{importer} -> {imported}")
    return found


def test_every_module_belongs_to_a_layer() -> None:
    loose = [
        _module_name(path)
        for path in PACKAGE.rglob("*.py")
        if _layer(_module_name(path)) is None
        and _module_name(path) not in ("thiduaCLI", "thiduaCLI.__main__")
    ]
    assert loose == []


def test_no_layer_imports_a_layer_above_it() -> None:
    assert layer_violations() == []


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The checker itself can fail: an import of the shell from the rules is caught, also
    relative or through ``import_module``."""
    rule = tmp_path / "rule.py"
    rule.write_text(
        "import importlib\n"
        "def f():\n    from thiduaCLI.cli.app import app\n"
        "def g():\n    from ..cli import render\n"
        "def h():\n    return importlib.import_module('thiduaCLI.cli.people')\n",
        encoding="utf-8",
    )
    found = _imports(rule)
    assert {"thiduaCLI.cli.app", "relative:..cli", "thiduaCLI.cli.people"} <= found
    assert LAYERS[_layer("thiduaCLI.cli.app") or ""] > LAYERS["domain"]
