"""The layers import one way: a module never imports one of a higher layer (docs/design.md).

Imports under ``if TYPE_CHECKING:`` are exempt (they exist for type checkers only).
"""

from __future__ import annotations

import ast
from pathlib import Path

import hamtriage

PACKAGE = Path(hamtriage.__file__).parent

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("base", ("_version", "errors", "levels", "results", "scoring", "catalog")),
    ("rules", ("rules",)),
    ("report", ("report", "_report_check")),
    ("runtime", ("runtime",)),
    ("flows", ("flows",)),
    (
        "api",
        (
            "engine",
            "api",
            "__init__",
            "compiler",
            "distributed",
            "explain",
            "interview",
            "intake",
            "safety",
        ),
    ),
    (
        "interface",
        ("cli", "__main__", "_commands", "bdd", "_bdd_deps", "_pytest_entry", "service"),
    ),
)
"""Lowest first. The modules named in "api" after ``__init__`` are the 0.1 import paths
kept as aliases of their new homes."""


def layer_of(module: str) -> int:
    """The layer index of ``hamtriage.<first>.<...>``."""
    first = module.split(".")[1] if "." in module else "__init__"
    if first.startswith("__") and first != "__main__":  # a name of the package itself
        first = "__init__"
    for index, (_, names) in enumerate(LAYERS):
        if first in names:
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and docs/design.md")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts)


def runtime_imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in ``path`` outside ``if TYPE_CHECKING``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skip.update(id(n) for child in node.body for n in ast.walk(child))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [f"{target}.{a.name}" for a in node.names] if not node.module else [target]
            else:
                names = [node.module or ""]
            out += [(node.lineno, n) for n in names]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
    return out


def test_no_module_imports_a_higher_layer() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = module_name(path)
        mine = layer_of(here)
        for line, target in runtime_imports(path):
            if not target.startswith("hamtriage.") or target.startswith("hamtriage._rules"):
                continue
            # `from . import x` inside a package names a module of that package
            if layer_of(target) > mine:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {here} imports {target}")
    assert wrong == []


def test_the_check_catches_an_upward_import(tmp_path: Path) -> None:
    path = PACKAGE / "rules" / "schema.py"
    imports = runtime_imports(path)
    assert all(
        layer_of(t) <= layer_of("hamtriage.rules.schema")
        for _, t in imports
        if t.startswith("hamtriage.")
    )
    fake = PACKAGE / "rules" / "_layer_probe.py"
    try:
        fake.write_text("from ..engine import Engine\n", encoding="utf-8")
        got = [t for _, t in runtime_imports(fake)]
        assert got == ["hamtriage.engine"]
        assert layer_of(got[0]) > layer_of("hamtriage.rules._layer_probe")
    finally:
        fake.unlink()


def test_only_the_adapter_imports_durable() -> None:
    importers = {
        module_name(path)
        for path in PACKAGE.rglob("*.py")
        for _, target in runtime_imports(path)
        if target.split(".")[0] in ("durable", "durable_rules_engine")
    }
    assert importers == {"hamtriage.runtime._durable"}


def test_every_module_opens_with_a_sentence_and_stays_readable() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
        if path.name == "__init__.py" and path.stat().st_size == 0:
            continue
        assert doc, f"{path} has no module docstring"
