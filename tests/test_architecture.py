"""The house rules of the layout (README, Architecture), checked on every module's imports.

Imports inside functions and under TYPE_CHECKING count too: a lazy import is still a
dependency.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "health_gate"
PURE = ("verdict", "pipeline", "retry")
# What each part of the package may import from health_gate itself (besides its own modules).
ALLOWED = {
    "errors": set(),
    "config": {"errors"},
    "verdict": {"errors", "config"},
    "pipeline": {"errors", "config", "verdict"},
    "retry": {"errors", "config", "verdict", "pipeline"},
    "adapters": {"__init__", "errors", "config", "verdict", "pipeline", "retry"},
    "runtime": {"__init__", "errors", "config", "verdict", "pipeline", "retry", "adapters"},
    "handlers": {"errors", "config", "verdict", "pipeline", "retry", "runtime"},
    "cli": {"__init__", "errors", "config", "verdict", "pipeline", "retry", "adapters", "runtime"},
}
THIRD_PARTY_FOR_PURE: set[str] = set()  # the pure parts import the standard library only


def _part(path: Path) -> str:
    relative = path.relative_to(PACKAGE)
    return relative.parts[0].removesuffix(".py") if relative.parts else ""


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if _part(p) in ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_each_part_imports_only_what_the_layout_allows(path: Path) -> None:
    part = _part(path)
    for name in _imports(path):
        top = name.split(".")[0]
        if top == "health_gate":
            inner = name.split(".")[1] if name.count(".") else "__init__"
            assert inner == part or inner in ALLOWED[part], f"{part} imports {name}"
        elif part in ("errors", "config", *PURE):
            assert top in sys.stdlib_module_names or top == "__future__", (
                f"{part} is pure but imports {name}"
            )


def test_only_config_and_runtime_read_the_environment() -> None:
    readers = [
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if "os.environ" in p.read_text(encoding="utf-8") or "getenv" in p.read_text("utf-8")
    ]
    assert all(r.startswith(("runtime/", "config/")) for r in readers), readers


def test_every_module_is_in_a_known_part() -> None:
    strays = [p for p in PACKAGE.rglob("*.py") if _part(p) not in (*ALLOWED, "__init__")]
    assert strays == []
