"""The layout keeps its shape: no module imports itself round a loop, each app imports only the
apps below it (so the platform, ``publishing``, knows none of the content apps, and no two apps
import each other), and no import hides inside a function to dodge a loop.

The graph is read from the source with ``ast``, every ``import`` counted wherever it stands, so a
loop closed by a lazy import is a loop too.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# From the bottom up, as the README's map draws them: each imports only those before it.
LAYERS = ("publishing", "people", "bulletin", "events", "website", "config")
PACKAGES = LAYERS
# Imports inside a function that are there for start-up time or memory, not to dodge a loop.
LAZY_ALLOWED = {
    ("publishing.apps", "publishing.segmenter"),  # app code cannot be imported before the registry is ready
    # The content apps add their part to the editors' desk once their models are loaded.
    ("bulletin.apps", "bulletin.planning"),
    ("bulletin.apps", "publishing.desk"),
    ("events.apps", "events.planning"),
    ("events.apps", "publishing.desk"),
    ("publishing.slugs", "pypinyin"),  # its dictionaries cost every process memory; only editors' saves need it
    ("bulletin.print_edition", "weasyprint"),  # seconds to import; only the worker lays out PDFs
}


def modules():
    """``{dotted name: path}`` of the project's modules, migrations left out (Django loads them)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).with_suffix("")
            if "migrations" in relative.parts:
                continue
            name = ".".join(relative.parts).removesuffix(".__init__")
            found[name] = path
    return found


def imported_names(node):
    """What an import statement names: ``from publishing import segmenter`` names the module
    ``publishing.segmenter``, ``from bulletin.models import Article`` a name in ``bulletin.models``."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [f"{node.module}.{alias.name}" for alias in node.names]
    return []


def owner(name, known):
    """The project module ``name`` lives in (itself, or the module that defines it), or None."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def import_graph():
    """``(edges, lazy)``: which project modules each module imports, and the imports made inside functions."""
    known = modules()
    edges, lazy = {name: set() for name in known}, set()
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for target in imported_names(node):
                module = owner(target, known)
                if module and module != name:
                    edges[name].add(module)
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(function):
                    for target in imported_names(node):
                        lazy.add((name, owner(target, known) or target.split(".")[0]))
    return edges, lazy


def cycles(edges):
    """The strongly connected groups of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in edges:
        if node not in index:
            visit(node)
    return found


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_no_module_imports_itself_round_a_loop(graph):
    edges, _lazy = graph

    assert cycles(edges) == []


def test_each_app_imports_only_the_apps_below_it(graph):
    edges, _lazy = graph

    def layer(module):
        return LAYERS.index(module.split(".")[0])

    upward = {(name, target) for name, targets in edges.items() for target in targets if layer(target) > layer(name)}
    assert sorted(upward) == []


def test_imports_inside_functions_are_only_those_that_save_start_up_time(graph):
    _edges, lazy = graph

    assert {
        (name, target.split(".")[0] if target.split(".")[0] not in PACKAGES else target) for name, target in lazy
    } <= LAZY_ALLOWED


def test_the_check_finds_a_loop_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
