"""The layers of STYLE.md hold: storage and the domain never import Textual or screens/."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENTRY_POINTS = {"coordinator/app.py", "coordinator/cli/main.py"}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_only_the_entry_points_import_screens_or_textual() -> None:
    offenders = []
    for package in ("coordinator", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative in ENTRY_POINTS:
                continue
            bad = {m for m in imported_modules(path) if m.split(".")[0] in {"textual", "screens"}}
            if bad:
                offenders.append((relative, sorted(bad)))
    assert offenders == []


def test_storage_does_not_import_the_domain() -> None:
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "storage").rglob("*.py")
        if any(m.split(".")[0] == "coordinator" for m in imported_modules(path))
    ]
    assert offenders == []


def test_import_linter_contracts_are_kept() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extra"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_importing_the_packages_does_no_work(tmp_path: Path) -> None:
    """No engine, folder or file is created at import time."""
    code = (
        "import coordinator.cli.main, coordinator.app, storage.engine, storage.models, "
        "coordinator.dashboard, coordinator.sample.generator"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={
            "HOME": str(tmp_path),
            "XDG_DATA_HOME": str(tmp_path / "data"),
            "PATH": "/usr/bin:/bin",
        },
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert list(tmp_path.iterdir()) == []


TEXT_WIDGETS = {"Static", "Label", "Button", "Checkbox", "Select", "SelectionList", "DataTable",
                "OptionList", "Tree", "ListView", "RadioButton", "RadioSet", "Markdown", "Log",
                "RichLog", "Pretty", "Digits", "Link", "Collapsible"}  # fmt: skip
PLAIN_TEXT_MODULES = {"screens/text.py", "screens/widgets.py", "screens/table_widths.py"}


def test_screens_take_their_text_widgets_from_screens_text() -> None:
    """Widgets that parse a str as markup come only from screens/text.py and
    screens/widgets.py, where every str is literal text (a partner's '[/]' stays '[/]')."""
    offenders = []
    for path in (ROOT / "screens").rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative in PLAIN_TEXT_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "textual.widgets"
            ):
                bad = {alias.name for alias in node.names} & TEXT_WIDGETS
                if bad:
                    offenders.append((relative, sorted(bad)))
            if isinstance(node, ast.Attribute) and node.attr in {"from_markup"}:
                offenders.append((relative, [f"line {node.lineno}: {node.attr}"]))
    assert offenders == []


PACKAGES = ("coordinator", "screens", "storage")
MAX_LINES = 500
SAMPLE_DATA = {"coordinator/sample/data.py"}  # the sample's names and texts: data, not code


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def test_no_module_is_over_500_lines() -> None:
    long = {
        path.relative_to(ROOT).as_posix(): lines
        for path in project_modules().values()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
        and path.relative_to(ROOT).as_posix() not in SAMPLE_DATA
    }
    assert long == {}


def import_graph() -> dict[str, set[str]]:
    """Which project modules each project module imports, anywhere in it (an import inside a
    function is still a dependency): ``from a import b`` counts as importing ``a.b`` when that
    is a module."""
    modules = project_modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{alias.name}" for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_no_import_circles() -> None:
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            packages = {m for m in component if (ROOT / m.replace(".", "/")).is_dir()}
            if len(component) - len(packages) > 1:
                circles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []
