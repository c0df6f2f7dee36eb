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
    "cli": 6,
}


def _layer(module: str) -> str | None:
    """The layer a dotted ``thiduaCLI`` module belongs to (None: the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def _imports(path: Path) -> set[str]:
    """Every ``thiduaCLI`` module ``path`` imports, at the top, in functions or for typing."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith("thiduaCLI.")}


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
    """The checker itself can fail: an import of the shell from the rules is caught."""
    rule = tmp_path / "rule.py"
    rule.write_text("def f():\n    from thiduaCLI.cli.app import app\n", encoding="utf-8")
    assert "thiduaCLI.cli.app" in _imports(rule)
    assert LAYERS[_layer("thiduaCLI.cli.app") or ""] > LAYERS["domain"]
