"""The probe :mod:`appsync_codegen.selfcheck` runs in a fresh interpreter.

Its source is passed to ``python -c`` (so that nothing of appsync_codegen, nor of
the generating process, is imported). It can be started before the package exists:
it first imports what every generated package imports (pydantic's model machinery
and the runtime, :data:`WARM_UP`), then reads one line of JSON from its standard
input::

    {"parent": "/dir/holding/the/package", "package": "notes_client",
     "clients": [["client", "Client"], ["async_client", "AsyncClient"]],
     "part": [0, 2]}

(end of input instead: the package was not made, it exits at once), and a second
line once the package's modules are imported: the path of a JSON file holding the
``from .module import Name`` statements of each module (``{"file.py": [[line,
"module", ["Name", ...]], ...]}``), which the generating process finds in the
files while this one imports them (:func:`appsync_codegen.selfcheck.relative_imports`).
``part`` (default ``[0, 1]``, the whole package) shares the work among several
interpreters (see :func:`probe`). It puts ``parent`` first on ``sys.path`` and
proves, one step after another:

1. every module of the package imports (syntax included);
2. every ``from .module import Name`` in the package, also those inside
   functions or under ``TYPE_CHECKING`` (run only at call time or by type
   checkers), names something ``module`` defines (a module missing from the
   second line, or the line itself missing, is a problem too);
3. every name in the package's ``__all__`` resolves (the lazy ``__getattr__``);
4. every pydantic model of the package builds (``defer_build`` leaves that to
   the first call: a broken annotation would only fail then), each module's
   models last defined first: ariadne-codegen writes a model before the models
   its fields hold, and a model built after them reuses their schemas;
5. no member a client class defines replaces a member of the classes it extends
   (the runtime's client and the generated base client): public, dunder or
   private, each is part of what makes the client work.

It prints one line, :data:`MARKER` followed by a JSON list of problems, each an
object with ``kind``, ``module`` (file name in the package), ``line`` (0 when
unknown), ``name`` (class or member concerned, may be empty), ``message`` and
``order`` (how the problems of all parts are sorted).
"""

from __future__ import annotations

import gc
import importlib
import json
import re
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, cast

MARKER = "appsync-codegen-probe:"
"""Prefix of the probe's answer line."""
WARM_UP = (
    "pydantic.main",
    "pydantic.alias_generators",
    "appsync_runtime",
    "appsync_runtime.model",
    "appsync_runtime.scalars",
)
"""Modules every generated package imports: loaded while the package is being made.
Were one missing, the probe would report it where the package imports it."""

# Attributes Python itself puts in every class's namespace.
_CLASS_BOOKKEEPING = frozenset(
    {
        "__module__",
        "__qualname__",
        "__doc__",
        "__dict__",
        "__weakref__",
        "__annotations__",
        "__annotate__",
        "__annotate_func__",
        "__annotations_cache__",
        "__firstlineno__",
        "__static_attributes__",
        "__orig_bases__",
        "__parameters__",
        "__classcell__",
        "__slots__",
    }
)


def probe(spec: dict[str, Any], imports: Callable[[], str]) -> list[dict[str, Any]]:
    """The problems of the package ``spec`` describes (empty: sound), each with an
    ``order`` key: the problems of all parts sorted by it read as one probe's.

    ``imports`` gives the package's relative imports (see the module's docstring),
    asked for once the modules are imported. With ``"part": [k, n]`` in ``spec``,
    this interpreter is one of ``n`` sharing the work: it imports the package and
    the ``k``-th of every ``n`` modules (sorted by name; ``__init__.py`` and names
    found nowhere else belong to part 0), builds their models, checks the imports
    of names they define, the exported names they define and their clients.
    """
    parent = Path(spec["parent"]).resolve()
    package_name = str(spec["package"])
    package_dir = parent / package_name
    part, parts = (int(value) for value in spec.get("part", (0, 1)))
    sys.path.insert(0, str(parent))
    try:
        root = importlib.import_module(package_name)
    except BaseException as exc:  # every failure is a finding
        return [_ordered(_failure("import", package_dir, "__init__.py", exc), 0, 0)]
    # A regular package, or a namespace package when no __init__.py was written.
    places = [Path(place).resolve() for place in getattr(root, "__path__", ())]
    if package_dir.resolve() not in places:
        where = getattr(root, "__file__", None) or ", ".join(map(str, places)) or "a module"
        problem = _problem(
            "shadowed",
            "__init__.py",
            0,
            package_name,
            f"`import {package_name}` finds {where} first: the name is taken by a module "
            "Python loads before the package",
        )
        return [_ordered(problem, 0, 0)]
    names = [
        "__init__.py",
        *sorted(path.name for path in package_dir.glob("*.py") if path.name != "__init__.py"),
    ]
    index = {name: position for position, name in enumerate(names)}
    mine: set[str] = {"__init__.py"} if part == 0 else set()
    mine.update(names[1:][part::parts])

    def owns(file_name: str) -> bool:
        return file_name in mine if file_name in index else part == 0

    problems: list[dict[str, Any]] = []
    modules: dict[str, ModuleType] = {}
    if part == 0 and getattr(root, "__file__", None):
        modules["__init__.py"] = root
    for name in names[1:]:
        if name not in mine:
            continue
        try:
            modules[name] = importlib.import_module(f"{package_name}.{name[:-3]}")
        except BaseException as exc:
            problems.append(_ordered(_failure("import", package_dir, name, exc), 0, index[name]))
    if problems:
        return problems
    table = _table(imports())
    problems += _relative_imports(modules, table, index, owns)
    problems += _exports(root, (table or {}).get("__init__.py") or [], owns)
    problems += _models(modules, index)
    for position, (module_name, class_name) in enumerate(spec.get("clients", [])):
        file_name = f"{module_name}.py"
        if owns(file_name):
            problems += [
                _ordered(problem, 4, position, count)
                for count, problem in enumerate(
                    _overrides(modules.get(file_name), file_name, class_name)
                )
            ]
    return problems


def _ordered(problem: dict[str, Any], *order: int) -> dict[str, Any]:
    problem["order"] = list(order)
    return problem


def _table(text: str) -> dict[str, list[list[Any]]] | None:
    try:
        table: Any = json.loads(text) if text.strip() else None
    except ValueError:
        return None
    return cast("dict[str, list[list[Any]]]", table) if isinstance(table, dict) else None


def _relative_imports(
    modules: dict[str, ModuleType],
    table: dict[str, list[list[Any]]] | None,
    index: dict[str, int],
    owns: Callable[[str], bool],
) -> list[dict[str, Any]]:
    """Each relative import of a name checked where the module holding it is imported
    (a module the package does not have: where the importing module is)."""
    problems: list[dict[str, Any]] = []
    for file_name, position in index.items():
        statements = table.get(file_name) if table is not None else None
        if statements is None:
            if file_name in modules:
                message = "its relative imports were not received: they are not checked"
                problems.append(
                    _ordered(_problem("import", file_name, 0, "", message), 1, position)
                )
            continue
        for count, (lineno, module, imported) in enumerate(statements):
            target_file = f"{module}.py"
            if target_file not in index:
                if owns(file_name):
                    message = f"imports from .{module}, which the package does not have"
                    problem = _problem("import", file_name, lineno, "", message)
                    problems.append(_ordered(problem, 1, position, count))
                continue
            target = modules.get(target_file)
            if target is None:  # another part's module
                continue
            for number, name in enumerate(imported):
                if name != "*" and not hasattr(target, name):
                    message = f"imports {name} from .{module}, which does not define it"
                    problem = _problem("import", file_name, lineno, name, message)
                    problems.append(_ordered(problem, 1, position, count, number))
    return problems


def _exports(
    root: ModuleType, init_imports: list[list[Any]], owns: Callable[[str], bool]
) -> list[dict[str, Any]]:
    """Each name of ``__all__`` resolved (by the lazy ``__getattr__``) in the part that
    imports the module ``__init__.py`` names for it, so that it resolves without
    importing another part's modules; any other name in part 0."""
    homes = {name: f"{module}.py" for _, module, names in init_imports for name in names}
    problems: list[dict[str, Any]] = []
    for position, name in enumerate(getattr(root, "__all__", ())):
        if not owns(homes.get(name, "__init__.py")):
            continue
        try:
            getattr(root, name)
        except BaseException as exc:
            message = f"{name} does not resolve: {exc!r}"
            problems.append(
                _ordered(_problem("export", "__init__.py", 0, name, message), 2, position)
            )
    return problems


def _models(modules: dict[str, ModuleType], index: dict[str, int]) -> list[dict[str, Any]]:
    try:
        from pydantic import BaseModel
    except ImportError:  # pragma: no cover - the runtime depends on pydantic
        return []
    problems: list[dict[str, Any]] = []
    for file_name, module in modules.items():
        models = [
            value
            for value in list(vars(module).values())
            if isinstance(value, type)
            and issubclass(value, BaseModel)
            and value.__module__ == module.__name__
        ]
        for count, value in enumerate(reversed(models)):  # the models a model's fields hold first
            try:
                value.model_rebuild()
            except BaseException as exc:
                line = _class_line(module, value.__name__)
                message = f"model {value.__name__} does not build: {_describe(exc)}"
                problem = _problem("model", file_name, line, value.__name__, message)
                problems.append(_ordered(problem, 3, index[file_name], count))
    return problems


def _overrides(module: ModuleType | None, file_name: str, class_name: str) -> list[dict[str, Any]]:
    cls = getattr(module, class_name, None) if module is not None else None
    if not isinstance(cls, type):
        message = f"the client class {class_name} is missing"
        return [_problem("client", file_name, 0, class_name, message)]
    problems: list[dict[str, Any]] = []
    for name in vars(cls):
        if name in _CLASS_BOOKKEEPING:
            continue
        owner = next((base for base in cls.__mro__[1:] if name in vars(base)), None)
        if owner is None:
            continue
        line = _member_line(module, class_name, name)
        # the runtime's classes by their public name, not their private module's
        where = owner.__module__
        package, _, inner = where.partition(".")
        if package == "appsync_runtime" and inner.startswith("_"):
            where = package
        message = (
            f"{class_name}.{name} replaces {where}.{owner.__qualname__}.{name}, "
            "which the client needs"
        )
        problems.append(_problem("override", file_name, line, name, message))
    return problems


def _class_line(module: ModuleType, name: str) -> int:
    text = _source(module)
    match = re.search(rf"^class {re.escape(name)}\b", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def _member_line(module: ModuleType | None, class_name: str, name: str) -> int:
    text = _source(module) if module is not None else ""
    start = re.search(rf"^class {re.escape(class_name)}\b", text, re.MULTILINE)
    if start is None:
        return 0
    pattern = rf"^[ \t]+(?:async[ \t]+)?def[ \t]+{re.escape(name)}\b|^[ \t]+{re.escape(name)}\b"
    member = re.compile(pattern, re.MULTILINE).search(text, start.end())
    return text.count("\n", 0, member.start()) + 1 if member else 0


def _source(module: ModuleType) -> str:
    path = getattr(module, "__file__", None)
    return Path(path).read_text(encoding="utf-8") if path else ""


def _failure(kind: str, package_dir: Path, file_name: str, exc: BaseException) -> dict[str, Any]:
    """An exception raised while importing ``file_name``, at its deepest line in the package."""
    found_file, line = file_name, 0
    if isinstance(exc, SyntaxError) and exc.filename:
        candidate = Path(exc.filename)
        if candidate.parent.resolve() == package_dir.resolve():
            found_file, line = candidate.name, exc.lineno or 0
    else:
        for frame in traceback.extract_tb(exc.__traceback__):
            candidate = Path(frame.filename)
            if candidate.parent.resolve() == package_dir.resolve():
                found_file, line = candidate.name, frame.lineno or 0
    return _problem(kind, found_file, line, "", _describe(exc))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        return f"SyntaxError: {exc.msg}"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _problem(kind: str, module: str, line: int, name: str, message: str) -> dict[str, Any]:
    return {"kind": kind, "module": module, "line": line, "name": name, "message": message}


def warm_up() -> None:
    """Import :data:`WARM_UP` (and the runtime's client classes); failures are left
    for the probe to find where the package imports them."""
    for name in WARM_UP:
        try:
            importlib.import_module(name)
        except BaseException:  # reported by the probe, where the package imports it
            continue
    runtime = sys.modules.get("appsync_runtime")
    for name in ("AppSyncClient", "AsyncAppSyncClient"):
        try:
            getattr(runtime, name, None)
        except BaseException:  # as above
            continue


def _read_imports() -> str:
    """The relative-import table: the second line of input names the file holding it."""
    path = sys.stdin.readline().strip()
    try:
        return Path(path).read_text(encoding="utf-8") if path else ""
    except OSError:
        return ""


def main() -> None:
    """Warm up, then probe the package named by the JSON line read from standard
    input; print the answer line (nothing when the input ends first).

    The cyclic garbage collector stays off: this interpreter lives for one check,
    and its full passes over the models being built cost about an eighth of it."""
    gc.disable()
    warm_up()
    line = sys.stdin.readline()
    if not line.strip():
        return
    problems = probe(json.loads(line), _read_imports)
    sys.stdout.write(MARKER + json.dumps(problems) + "\n")


if __name__ == "__main__":
    main()
