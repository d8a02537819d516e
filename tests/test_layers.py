"""Folder-level imports go one way: an app may import apps in its own layer or below, never above
(docs/architecture.md, "Layers"). The test reads every module's imports with `ast`, so an
import inside a function or under `TYPE_CHECKING` counts too; nothing is imported or run.

Left out: test code (`tests/` folders) and migrations (they name models by string).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "casustafel"

# Lowest first. Apps in one layer may import each other; an app may import any lower layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("lib",),
    # Who acts, for which organisation, and the trail of what they did: each needs the others.
    ("accounts", "audit", "organisations"),
    # In-app notices: any app above may send one (they carry a neutral text and a link only).
    ("notifications",),
    # The house's configuration: meeting types, input requirements, criteria sets, guides.
    ("meeting_types",),
    # Case data and its protection. They still import each other (provenance and restrictions
    # are checked in case services; retention and subject access read cases): one layer.
    ("cases", "privacy"),
    # What a case keeps after the meeting that made it: phase moves, bodemeisen, agreements.
    ("plans",),
    # Escalations of disputes about case direction, overdue agreements and unmet bodemeisen.
    ("escalations",),
    # Meetings put cases on agendas.
    ("meetings",),
    ("reporting",),
    # The learning cycle: self-assessments, improvement plans, effort and value. It reuses the
    # reports' suppression; the reports read it through the selectors it offers them.
    ("learning",),
    ("dashboards",),
    # Builders of whole worlds: the demo region and the test factories use every app.
    ("demo", "testing"),
)
LAYER_OF = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}


def _is_test_code(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return "tests" in parts or "migrations" in parts


def _modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if len(path.relative_to(PACKAGE).parts) > 1 and not _is_test_code(path):
            yield path


def _imported_apps(source: str, module: str) -> Iterator[tuple[int, str]]:
    """(line, app) for every import of a `casustafel.<app>` module in the source of `module`
    (its dotted name, needed to resolve relative imports)."""
    package = module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names = [".".join([*base, node.module] if node.module else base)]
            elif node.module:
                names = [node.module]
        for name in names:
            parts = name.split(".")
            if parts[0] == "casustafel" and len(parts) > 1:
                yield node.lineno, parts[1]


def layer_violations(app: str, source: str, module: str) -> list[str]:
    """Why the module's imports break the layer order; empty when they do not."""
    problems = []
    for line, target in _imported_apps(source, module):
        if target == app or not (PACKAGE / target).is_dir():
            continue  # its own app, or a project module such as casustafel.settings
        if target not in LAYER_OF:
            problems.append(f"{module}:{line} imports {target}, which has no place in LAYERS")
        elif LAYER_OF[target] > LAYER_OF[app]:
            problems.append(f"{module}:{line} ({app}) imports the higher layer {target}")
    return problems


def test_every_app_has_a_layer() -> None:
    apps = {path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists()}
    assert sorted(apps - set(LAYER_OF)) == []
    assert sorted(set(LAYER_OF) - apps) == []


def test_no_app_imports_a_higher_layer() -> None:
    problems = []
    for path in _modules():
        relative = path.relative_to(PACKAGE.parent)
        module = ".".join(relative.with_suffix("").parts)
        problems += layer_violations(relative.parts[1], path.read_text(encoding="utf-8"), module)
    assert problems == []


@pytest.mark.parametrize(
    ("app", "source", "expected"),
    [
        ("cases", "from casustafel.meetings.models import Meeting\n", 1),
        ("cases", "def f():\n    import casustafel.meetings.services\n", 1),
        ("meeting_types", "if TYPE_CHECKING:\n    from casustafel.cases.models import Case\n", 1),
        ("meeting_types", "from ..cases import models\n", 1),
        ("meetings", "from casustafel.cases.models import Case\nfrom . import models\n", 0),
        ("cases", "from casustafel.privacy.provenance.access import case_viewer\n", 0),
        ("lib", "from casustafel.nonexistent import thing\n", 0),
    ],
)
def test_the_checker_sees_upward_imports(app: str, source: str, expected: int) -> None:
    assert len(layer_violations(app, source, f"casustafel.{app}.module")) == expected
