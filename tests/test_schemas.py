"""The JSON Schemas in docs/schemas/ are the result models' own (tools/schemas.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parents[1] / "tools" / "schemas.py"


def _tool():
    spec = importlib.util.spec_from_file_location("schemas_tool", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["schemas_tool"] = module
    spec.loader.exec_module(module)
    return module


def test_the_committed_schemas_are_up_to_date() -> None:
    assert _tool().stale() == [], "run: python tools/schemas.py"


def test_the_check_sees_a_stale_schema(tmp_path: Path) -> None:
    tool = _tool()
    tool.write(tmp_path)
    assert tool.stale(tmp_path) == []
    (tmp_path / "status.json").write_text("{}\n", encoding="utf-8")
    (tmp_path / "gone.json").write_text("{}\n", encoding="utf-8")
    assert tool.stale(tmp_path) == ["gone.json", "status.json"]
