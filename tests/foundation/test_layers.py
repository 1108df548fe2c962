"""Architecture rules: a pure domain core, apps that talk through each other's selectors and services, and
selectors that never write (docs/architecture.md, "Layers").

Each rule is an AST check of the source, and each has a companion test proving it fails on a sample.
"""

import ast
from pathlib import Path

import stabil
import stabil.core

SRC = Path(stabil.__file__).parent
CORE = Path(stabil.core.__file__).parent
# Every package under src/stabil is an app (``common``, ``web`` and ``demo`` included); ``core`` and ``config``
# are checked too. A module outside a package (``stabil/cli.py``) belongs to no app.
APPS = sorted(p.name for p in SRC.iterdir() if (p / "__init__.py").exists())


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_has_modules():
    assert list(CORE.glob("*.py")), "the core package must not be empty"


def test_core_never_imports_django_or_apps():
    offenders = {}
    for path in CORE.rglob("*.py"):
        bad = {n for n in _imports(path)
               if n == "django" or n.startswith("django.") or (n.startswith("stabil.") and not n.startswith("stabil.core"))}
        if bad:
            offenders[path.name] = sorted(bad)
    assert offenders == {}


def test_layer_check_catches_a_django_import(tmp_path):
    # The check above must be able to fail.
    sample = tmp_path / "x.py"
    sample.write_text("from django.db import models\nimport stabil.cases.models\n")
    assert {"django.db", "stabil.cases.models"} <= _imports(sample)


# --- apps talk through each other's selectors and services (issue 12) --------------------------------------

# The narrow, explicit exceptions: module (relative to src/stabil) -> (other app's module, why).
# None today. ForeignKeys name other apps' models as strings ("organisation.Unit"), so no models.py imports
# another; migrations use ``apps.get_model``; the access policy (``accounts/policy.py``) reads units through
# ``organisation.selectors``; the command line finds users through ``accounts.selectors``.
CROSS_APP_EXCEPTIONS: dict[str, tuple[str, str]] = {}


def _module_of(path: Path, root: Path) -> list[str]:
    """The dotted package of ``path`` below ``root``'s parent, e.g. ["stabil", "cases"] for cases/cli.py."""
    return [root.name, *path.relative_to(root).parent.parts]


def cross_app_imports(path: Path, root: Path = SRC) -> list[tuple[int, str]]:
    """Return (line, module) for every import in ``path`` of another app's ``models`` or ``views``, anywhere in
    the module (inside functions too): ``from stabil.Y.models import …``, ``from stabil.Y import models``,
    ``import stabil.Y.models``, the same relative (``from ..Y import views``) and any submodule of them."""
    package = _module_of(path, root)
    app = package[1] if len(package) > 1 else None
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        modules: list[str] = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            modules = [prefix] + [f"{prefix}.{alias.name}" for alias in node.names]
        for module in modules:
            parts = module.split(".")
            if (len(parts) >= 3 and parts[0] == root.name and parts[1] != app and parts[2] in ("models", "views")):
                found.append((node.lineno, ".".join(parts[:3])))
                break
    return sorted(found)


def test_no_app_imports_another_apps_models_or_views():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        relative = str(path.relative_to(SRC))
        for line, module in cross_app_imports(path):
            allowed = CROSS_APP_EXCEPTIONS.get(relative)
            if allowed is None or allowed[0] != module:
                offenders.append(f"{relative}:{line}: {module}")
    assert offenders == [], "use (or add) a selector or service of the owning app:\n" + "\n".join(offenders)


def test_the_cross_app_check_catches_every_form_of_import(tmp_path):
    # The check above must be able to fail: a sample app "x" importing app "cases" in each way.
    root = tmp_path / "stabil"
    (root / "x").mkdir(parents=True)
    sample = root / "x" / "selectors.py"
    sample.write_text(
        "from stabil.cases.models import Case\n"          # 1
        "from stabil.cases import models\n"               # 2
        "import stabil.cases.models\n"                    # 3
        "from stabil.cases import views as v\n"           # 4
        "from ..cases.views import case_detail\n"         # 5 (relative)
        "def f():\n"
        "    from stabil.staff.models import StaffMember\n"  # 7 (inside a function)
        "from stabil.cases import selectors, services\n"  # allowed
        "from .models import Own\n"                       # its own models: allowed
        "from stabil.x.models import Own2\n"              # its own models, absolute: allowed
    )
    assert [line for line, _module in cross_app_imports(sample, root)] == [1, 2, 3, 4, 5, 7]
    assert cross_app_imports(sample, root)[-1][1] == "stabil.staff.models"


# --- a selector never writes (issue 12) -----------------------------------------------------------------

# Methods that write whatever they are called on.
WRITE_METHODS = {"save", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create",
                 "execute", "executemany", "executescript"}


_DICT_MAKERS = {"dict", "defaultdict", "Counter", "OrderedDict"}


def _dict_names(tree: ast.AST) -> set[str]:
    """The names the module binds to a dict (a literal, a comprehension, ``dict(…)`` and the like)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        is_dict = isinstance(value, (ast.Dict, ast.DictComp)) or (
            isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in _DICT_MAKERS)
        if is_dict:
            names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def selector_writes(path: Path) -> list[tuple[int, str]]:
    """Return (line, what) for every write in a selectors module.

    A write: a call of ``WRITE_METHODS`` (raw SQL included: selectors read through the ORM); a queryset's
    ``update(field=…)`` (keyword arguments only, unlike ``set.update`` and a positional ``dict.update``; a
    name the module binds to a dict may be updated so) or ``delete()`` (no arguments); an import of a
    ``services`` module (writes go through services). Caching a computed read (``cache.set``) is not a write
    of stored data.
    """
    found = []
    tree = ast.parse(path.read_text(), filename=str(path))
    dicts = _dict_names(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            receiver = node.func.value
            on_a_dict = isinstance(receiver, ast.Name) and receiver.id in dicts
            queryset_write = (name == "update" and node.keywords and not node.args and not on_a_dict) or (
                name == "delete" and not node.args)
            if name in WRITE_METHODS or queryset_write:
                found.append((node.lineno, name))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {alias.name for alias in node.names}
            if module.split(".")[-1] == "services" or "services" in names:
                found.append((node.lineno, f"import of {'.' * node.level}{module} services"))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, f"import of {alias.name}") for alias in node.names
                         if alias.name.split(".")[-1] == "services")
    return sorted(found)


def test_selectors_never_write():
    offenders = [f"{path.relative_to(SRC)}:{line}: {what}" for path in sorted(SRC.rglob("selectors.py"))
                 for line, what in selector_writes(path)]
    assert offenders == [], "a selector reads; move the write into the app's services:\n" + "\n".join(offenders)


def test_the_selector_check_catches_writes(tmp_path):
    # The check above must be able to fail.
    sample = tmp_path / "selectors.py"
    sample.write_text(
        "def read(case, rows, seen):\n"
        "    case.save()\n"                                             # 2
        "    Case.objects.create(case_id='K1')\n"                       # 3
        "    Case.objects.filter(pk=1).update(category='barn')\n"       # 4
        "    case.delete()\n"                                           # 5
        "    KpiSnapshot.objects.update_or_create(code='x')\n"          # 6
        "    connection.cursor().execute('DELETE FROM cases_case')\n"   # 7
        "    seen.update(rows)\n"                                       # a set: allowed
        "    rows.update({'a': 1})\n"                                   # a dict: allowed
        "    from .services import kpi_snapshots_take\n"                # 10
        "    from stabil.cases import services\n"                       # 11
        "    data = {key: 1 for key in rows}\n"
        "    data.update(name='x')\n"                                   # a dict by keywords: allowed
        "    pending = Deadline.objects.filter(settled='')\n"
        "    pending.update(settled='met')\n"                           # 15
    )
    assert [line for line, _what in selector_writes(sample)] == [2, 3, 4, 5, 6, 7, 10, 11, 15]


# --- imports sit at the top; one inside a function says why (issue 12) -------------------------------------


def uncommented_inner_imports(path: Path) -> list[int]:
    """Return the lines of imports inside a function (or method) with no comment saying why.

    A comment counts on the import's own (first) line, or on the line right above it, and covers the imports
    that follow it directly (blank lines between them allowed: one comment covers ``import a`` and then
    ``from b import c``), e.g.
    ``# lazy: avoids a cycle with X`` or ``# heavy: weasyprint only when a PDF is asked for``.
    """
    text = path.read_text()
    lines = text.splitlines()
    tree = ast.parse(text, filename=str(path))
    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            for field_name in ("body", "orelse", "finalbody"):
                body = getattr(node, field_name, None)
                if not isinstance(body, list):
                    continue
                previous = None  # the sibling statement before, and whether it was a covered import
                for statement in body:
                    if not isinstance(statement, (ast.Import, ast.ImportFrom)):
                        previous = None
                        continue
                    above = lines[statement.lineno - 2].strip() if statement.lineno > 1 else ""
                    covered = "#" in lines[statement.lineno - 1] or above.startswith("#") or (
                        previous is not None and previous[1]
                        and all(not line.strip() for line in lines[previous[0].end_lineno:statement.lineno - 1]))
                    if not covered:
                        found.add(statement.lineno)
                    previous = (statement, covered)
    return sorted(found)


def test_every_import_inside_a_function_says_why():
    offenders = [f"{path.relative_to(SRC)}:{line}" for path in sorted(SRC.rglob("*.py"))
                 for line in uncommented_inner_imports(path)]
    assert offenders == [], ("move the import to the top of the module, or say why it cannot be there "
                             "(# lazy: …, # heavy: …):\n" + "\n".join(offenders))


def test_the_inner_import_check_catches_an_import_without_a_reason(tmp_path):
    # The check above must be able to fail.
    sample = tmp_path / "x.py"
    sample.write_text(
        "import json\n"                                                  # module top: fine
        "def f():\n"
        "    import csv\n"                                               # 3: no reason
        "    # lazy: avoids a cycle with stabil.x\n"
        "    from stabil.x import services\n"                            # covered by the line above
        "    from stabil.y import selectors\n"                           # the same run: covered
        "    value = 1\n"
        "    from stabil.z import views\n"                               # 8: a new run, no reason
        "    import weasyprint  # heavy: only when a PDF is asked for\n"  # same line: covered
        "    class C:\n"
        "        def m(self):\n"
        "            if True:\n"
        "                import io\n"                                    # 13: nested, no reason
        "    return value\n"
    )
    assert uncommented_inner_imports(sample) == [3, 8, 13]
