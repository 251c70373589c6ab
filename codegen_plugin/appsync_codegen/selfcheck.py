"""The check ``generate`` runs before exiting 0: the package it is about to write works.

``generate`` writes the package into a scratch directory first. There, after
formatting, the probe (:mod:`appsync_codegen._probe`) checks it in a fresh
interpreter (the same ``sys.executable``, the scratch directory first on
``sys.path``; two sharing the modules when a second CPU is free), started with
generation as a :class:`Probe` so that it has loaded pydantic and the runtime by
the time the package is written (:func:`check_package` starts one and hands it
the package at once): every module imports, every
relative import (also those inside methods and under ``TYPE_CHECKING``) names
something real, the package's ``__all__`` resolves, every pydantic model builds,
and no generated client member replaces one of the classes it extends (an
operation named ``Close`` would give ``close()``, which the runtime's client
needs). Only then are the files moved into place, so a failed check leaves the
previous package as it was.

A problem is reported where it comes from: :class:`OriginRecorder`, an
ariadne-codegen plugin that runs after every other, notes which GraphQL element
(operation, selection, input or enum type, field) each generated class, field
and method comes from, and :func:`locate` maps a generated ``file:line`` back to
it. The message names the generated file and line too. Code that does not even
parse (ruff refuses to format it) is located the same way
(:func:`syntax_problems`).

Under plain ``ariadne-codegen`` the :class:`~appsync_codegen.AppSyncPlugin` runs
the same probe on the package ariadne-codegen has just written
(:func:`check_written_package`): the command then fails with status 2 and the
problems, but the files are already in place; and no recorder runs there, so
problems name the generated class or method rather than the GraphQL element.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.util import decode_source
from pathlib import Path
from typing import Any

from ariadne_codegen.plugins.base import Plugin
from graphql import (
    EnumTypeDefinitionNode,
    ExecutableDefinitionNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    InlineFragmentNode,
    Node,
    OperationDefinitionNode,
    SelectionSetNode,
)

from .errors import Diagnostic, display_path

__all__ = [
    "ClientClass",
    "Noted",
    "Origin",
    "OriginRecorder",
    "Origins",
    "Probe",
    "check_package",
    "check_written_package",
    "locate",
    "relative_imports",
    "syntax_problems",
]

_PROBE_TIMEOUT = 600.0
_SHARED_FROM = 50
"""Modules from which :meth:`Probe.share` starts a second interpreter: a smaller
package's check takes about 0.2 s, which sharing would cut by less than 0.1 s for
some 0.3 s more CPU."""
_RELATIVE_FROM = re.compile(r"\bfrom[\s\\]*\.")
_CLASS_LINE = re.compile(r"^class\s+([A-Za-z_][A-Za-z0-9_]*)")
# Class members: generated code is indented by four spaces (ast.unparse, ruff).
_MEMBER_LINE = re.compile(
    r"^ {4}(?:(?:async\s+)?def\s+([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*)\s*[:=])"
)


@dataclass(frozen=True)
class Origin:
    """The GraphQL element a piece of generated code comes from."""

    file: str
    line: int
    column: int
    what: str
    """``query GetNote``, ``query GetNote, selection getNote.author``, ``input
    NoteInput``, ``input NoteInput, field body``, ``enum Priority``..."""


Noted = tuple[Node, str]
"""A GraphQL node and what it is (``query GetNote``...): an :class:`Origin` once
located (finding a line is a scan of the file, done only for a problem)."""


@dataclass
class Origins:
    """Where generated classes, their fields and the client methods come from."""

    classes: dict[str, Noted] = field(default_factory=dict[str, Noted])
    """Generated class name: the operation selection, input or enum type."""
    members: dict[tuple[str, str], Noted] = field(default_factory=dict[tuple[str, str], Noted])
    """(class, attribute): the selected field, input field or enum value."""
    methods: dict[str, Noted] = field(default_factory=dict[str, Noted])
    """Client method name: the operation."""

    def of_class(self, name: str) -> Origin | None:
        """The origin of the generated class ``name``."""
        return _located(self.classes.get(name))

    def of_member(self, class_name: str, name: str) -> Origin | None:
        """The origin of the attribute ``name`` of the generated class ``class_name``."""
        return _located(self.members.get((class_name, name)))

    def of_method(self, name: str) -> Origin | None:
        """The origin (operation) of the client method ``name``."""
        return _located(self.methods.get(name))


@dataclass(frozen=True)
class ClientClass:
    """A client class of the package: its module (without ``.py``) and name."""

    module: str
    name: str


class OriginRecorder(Plugin):
    """ariadne-codegen plugin (the last one) noting each generated name's GraphQL origin.

    It changes nothing. ``appsync-codegen`` adds it to every plugin manager it
    builds and reads :attr:`origins` when a check fails.
    """

    def __init__(self, schema: Any, config_dict: dict[str, Any]) -> None:
        super().__init__(schema, config_dict)  # pyright: ignore[reportUnknownMemberType]
        self.origins = Origins()
        self._fields: dict[int, tuple[Node | None, str]] = {}
        self._selections: dict[int, dict[int, tuple[Node, str]]] = {}

    def generate_enum(self, class_def: Any, enum_type: GraphQLEnumType) -> Any:
        """Note an enum class and its members."""
        node = enum_type.ast_node
        if node is not None:
            self.origins.classes.setdefault(class_def.name, (node, f"enum {enum_type.name}"))
        if isinstance(node, EnumTypeDefinitionNode):
            values = {value.name.value: value for value in node.values or ()}
            for statement in class_def.body:
                for target in getattr(statement, "targets", ()):
                    name = getattr(target, "id", None)
                    value_node = values.get(str(getattr(statement.value, "value", "")))
                    if name and value_node is not None:
                        what = f"enum {enum_type.name}, value {value_node.name.value}"
                        self.origins.members.setdefault((class_def.name, name), (value_node, what))
        return class_def

    def generate_input_field(
        self, field_implementation: Any, input_field: GraphQLInputField, field_name: str
    ) -> Any:
        """Remember an input field's definition until its class is generated."""
        self._fields[id(field_implementation)] = (input_field.ast_node, field_name)
        return field_implementation

    def generate_input_class(self, class_def: Any, input_type: GraphQLInputObjectType) -> Any:
        """Note an input class and its fields."""
        what = f"input {input_type.name}"
        if input_type.ast_node is not None:
            self.origins.classes.setdefault(class_def.name, (input_type.ast_node, what))
        self._note_members(class_def, what)
        return class_def

    def generate_result_field(
        self, field_implementation: Any, operation_definition: Any, field: FieldNode
    ) -> Any:
        """Remember a result field's selection until its class is generated."""
        self._fields[id(field_implementation)] = (field, field.name.value)
        return field_implementation

    def generate_result_class(
        self,
        class_def: Any,
        operation_definition: ExecutableDefinitionNode,
        selection_set: SelectionSetNode,
    ) -> Any:
        """Note a result class (the selection it models) and its fields."""
        what = _definition_name(operation_definition)
        owner, path = self._selection_owner(operation_definition, selection_set)
        if path:
            what = f"{what}, selection {path}"
        elif isinstance(owner, (OperationDefinitionNode, FragmentDefinitionNode)):
            owner = owner.name or owner  # not the description above it
        self.origins.classes.setdefault(class_def.name, (owner, what))
        self._note_members(class_def, what)
        return class_def

    def generate_client_method(self, method_def: Any, operation_definition: Any) -> Any:
        """Note a client method's operation."""
        node = operation_definition.name or operation_definition
        noted = (node, _definition_name(operation_definition))
        self.origins.methods.setdefault(method_def.name, noted)
        return method_def

    def _note_members(self, class_def: Any, what: str) -> None:
        import ast

        # Fields are class-level statements, some wrapped in an `if` (deprecated ones).
        statements: list[ast.stmt] = []
        for statement in class_def.body:
            if isinstance(statement, ast.If):
                statements += [*statement.body, *statement.orelse]
            else:
                statements.append(statement)
        for node in statements:
            if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
                continue
            noted = self._fields.pop(id(node), None)
            if noted is None:
                continue
            graphql_node, name = noted
            if graphql_node is not None:
                member = (graphql_node, f"{what}, field {name}")
                self.origins.members.setdefault((class_def.name, node.target.id), member)

    def _selection_owner(
        self, definition: ExecutableDefinitionNode, selection_set: SelectionSetNode
    ) -> tuple[Node, str]:
        """The node whose selection set ``selection_set`` is, and its response path."""
        key = id(definition)
        if key not in self._selections:
            index: dict[int, tuple[Node, str]] = {}
            _index_selections(definition.selection_set, definition, "", index)
            self._selections[key] = index
        return self._selections[key].get(id(selection_set), (definition, ""))


def _index_selections(
    selection_set: SelectionSetNode, owner: Node, path: str, index: dict[int, tuple[Node, str]]
) -> None:
    if id(selection_set) in index:
        return
    index[id(selection_set)] = (owner, path)
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode) and selection.selection_set is not None:
            key = selection.alias.value if selection.alias else selection.name.value
            here = f"{path}.{key}" if path else key
            _index_selections(selection.selection_set, selection, here, index)
        elif isinstance(selection, InlineFragmentNode):
            _index_selections(selection.selection_set, selection, path, index)
        elif isinstance(selection, FragmentSpreadNode):
            continue  # fragments have result classes of their own


def _definition_name(definition: ExecutableDefinitionNode) -> str:
    if isinstance(definition, OperationDefinitionNode):
        name = definition.name.value if definition.name else "<anonymous>"
        return f"{definition.operation.value} {name}"
    if isinstance(definition, FragmentDefinitionNode):
        return f"fragment {definition.name.value}"
    return "operation"  # pragma: no cover - no other executable definitions exist


def _located(noted: Noted | None) -> Origin | None:
    loc = getattr(noted[0], "loc", None) if noted is not None else None
    if noted is None or loc is None:
        return None
    where = loc.source.get_location(loc.start)
    return Origin(loc.source.name, where.line, where.column, noted[1])


# -- locating a generated line -----------------------------------------------------------


def locate(origins: Origins | None, text: str, line: int) -> tuple[Origin | None, str]:
    """The origin of ``line`` of a generated module's ``text``, and what is there.

    A plain scan for the enclosing top-level class, then the method or field at
    or above the line: it works on code that does not parse. The second item
    describes the generated place (``class GetNoteGetNote, field author``).
    """
    lines = text.splitlines()
    line = min(max(line, 1), len(lines)) if lines else 0
    class_name, class_line = "", 0
    for number in range(line, 0, -1):
        match = _CLASS_LINE.match(lines[number - 1])
        if match:
            class_name, class_line = match.group(1), number
            break
    member, is_method = "", False
    for number in range(line, class_line, -1) if class_name else ():
        match = _MEMBER_LINE.match(lines[number - 1])
        if match:
            member, is_method = match.group(1) or match.group(2), bool(match.group(1))
            break
    place = f"class {class_name}" if class_name else "module level"
    if member:
        place += f", member {member}"
    if origins is None:
        return None, place
    if is_method and member in origins.methods:
        return origins.of_method(member), place
    if class_name and (class_name, member) in origins.members:
        return origins.of_member(class_name, member), place
    if class_name and class_name in origins.classes:
        return origins.of_class(class_name), place
    for candidate in lines:  # module level: the module of the first class it defines
        match = _CLASS_LINE.match(candidate)
        if match and match.group(1) in origins.classes:
            return origins.of_class(match.group(1)), place
    return None, place


def _diagnostic(
    origins: Origins | None,
    shown_dir: Path,
    file_name: str,
    text: str,
    line: int,
    problem: str,
    tail: str,
    name: str = "",
) -> Diagnostic:
    """A problem at ``line`` of a generated module, reported at its GraphQL origin."""
    origin, place = locate(origins, text, line) if text and line else (None, "")
    if origin is None and origins is not None and name:
        origin = origins.of_method(name) or origins.of_class(name)
    shown = display_path(shown_dir / file_name)
    generated = f"{shown}:{line}" if line else shown
    if place:
        generated += f" ({place})"
    if origin is None:
        return Diagnostic(
            shown,
            max(line, 1),
            1,
            f"generated code is broken ({place or 'module'}): {problem}; {tail}",
        )
    return Diagnostic(
        origin.file,
        origin.line,
        origin.column,
        f"{origin.what}: generated code is broken at {generated}: {problem}; {tail}",
    )


# -- code that does not parse ------------------------------------------------------------


def syntax_problems(
    modules: Iterable[tuple[str, str]], origins: Origins | None, shown_dir: Path, tail: str
) -> list[Diagnostic]:
    """One diagnostic per module (``(file name, code)``) that does not compile."""
    problems: list[Diagnostic] = []
    for file_name, code in modules:
        try:
            compile(code, file_name, "exec", dont_inherit=True)
        except SyntaxError as exc:
            message = f"SyntaxError: {exc.msg}"
            problems.append(
                _diagnostic(origins, shown_dir, file_name, code, exc.lineno or 0, message, tail)
            )
    return problems


# -- the probe -----------------------------------------------------------------------------


class Probe:
    """The probe's fresh interpreters, started ahead of the package they will check.

    Made before generation starts, they import pydantic's model machinery and the
    runtime while ariadne-codegen writes the package; :meth:`start` hands them the
    package, :meth:`result` waits for their verdict. ``parts`` interpreters share
    the modules (each imports its share, builds its models and checks what they
    define: :func:`appsync_codegen._probe.probe`), and their problems read as
    one's; by default one, and a second once :meth:`share` finds it pays. Use it
    as a context manager: on leaving, interpreters never handed a package
    (generation failed) are stopped.
    """

    def __init__(self, parts: int | None = None) -> None:
        from . import _probe

        self._marker = _probe.MARKER
        # An empty working directory: `python -c` puts it first on sys.path, where
        # nothing may shadow the modules the probe imports before the package's.
        self._empty = tempfile.TemporaryDirectory(prefix="appsync-codegen-probe-")
        self._source = Path(_probe.__file__).read_text(encoding="utf-8")
        self._automatic = parts is None
        self._processes = [self._spawn() for _ in range(parts or 1)]
        self._package: tuple[Path, Sequence[ClientClass]] | None = None

    def share(self, modules: int) -> None:
        """Start a second interpreter to share the check of a package of about
        ``modules`` modules, where that pays: at least ``_SHARED_FROM`` of them, a
        second CPU free (see :func:`_probe_parts`), the number of interpreters not
        chosen when the probe was made, and no package handed over yet."""
        if (
            self._automatic
            and self._package is None
            and len(self._processes) == 1
            and modules >= _SHARED_FROM
            and _probe_parts() > 1
        ):
            self._processes.append(self._spawn())

    def _spawn(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "-B", "-c", self._source],
            cwd=self._empty.name,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def __enter__(self) -> Probe:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def start(self, package_dir: Path, clients: Sequence[ClientClass]) -> None:
        """Have the interpreters check the package in ``package_dir`` (written in full)."""
        self._package = (package_dir, clients)
        spec: dict[str, Any] = {
            "parent": str(package_dir.parent),
            "package": package_dir.name,
            "clients": [[client.module, client.name] for client in clients],
        }
        parts = len(self._processes)
        for part, process in enumerate(self._processes):
            _send(process, json.dumps({**spec, "part": [part, parts]}))
        # Found here while the interpreters import the modules: they need it after.
        table = Path(self._empty.name) / "relative-imports.json"
        table.write_text(json.dumps(relative_imports(package_dir)), encoding="utf-8")
        for process in self._processes:
            _send(process, str(table))

    def result(
        self,
        origins: Origins | None,
        *,
        shown_dir: Path | None = None,
        tail: str = "nothing was written",
    ) -> list[Diagnostic]:
        """The problems of the package handed to :meth:`start` (empty: it works).

        ``shown_dir`` is where messages say the files are (where they will be
        written; default the package's directory); ``tail`` ends each message.
        """
        if self._package is None:
            raise RuntimeError("Probe.result() before Probe.start()")
        package_dir, _ = self._package
        shown = shown_dir if shown_dir is not None else package_dir
        found: list[dict[str, Any]] = []
        for process in self._processes:
            try:
                stdout, stderr = process.communicate(timeout=_PROBE_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.close()
                message = f"importing the generated package took over {_PROBE_TIMEOUT:.0f} s"
                return [Diagnostic(display_path(shown), 1, 1, f"{message}; {tail}")]
            answer = next(
                (
                    line[len(self._marker) :]
                    for line in reversed(stdout.splitlines())
                    if line.startswith(self._marker)
                ),
                None,
            )
            if answer is None:
                detail = (stderr.strip().splitlines() or ["no output"])[-1]
                message = (
                    f"the generated package could not be checked in a fresh interpreter: {detail}"
                )
                return [Diagnostic(display_path(shown), 1, 1, f"{message}; {tail}")]
            found += json.loads(answer)
        if any(problem.get("order", [0])[0] == 0 for problem in found):
            # A module that does not import: the other checks did not run everywhere.
            found = [problem for problem in found if problem.get("order", [0])[0] == 0]
        found.sort(key=lambda problem: list(problem.get("order", [])))
        return _diagnostics(found, package_dir, shown, origins, tail)

    def close(self) -> None:
        """Stop the interpreters that still run; remove their working directory."""
        for process in self._processes:
            if process.poll() is None:
                process.kill()
            process.communicate()
        self._empty.cleanup()


def _send(process: subprocess.Popen[str], line: str) -> None:
    """One line to an interpreter's standard input (short: it never blocks)."""
    stdin = process.stdin
    assert stdin is not None  # opened with PIPE
    try:
        stdin.write(line + "\n")
        stdin.flush()
    except OSError:  # it died before reading: result() says what it printed
        pass


def _probe_parts() -> int:
    """Interpreters sharing a check: two where this process may use two CPUs and the
    machine's load (the last minute's average) leaves one free for the second.

    Two halve the check's wall-clock time on an idle CPU (for 300 modules, 1.1 s of
    CPU after generation becomes 0.6 s in each), but cost about 0.4 s more CPU in
    all (a second interpreter's start, the modules both import): a loss where
    every CPU is busy already.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cpus = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not on Unix
        load = 0.0
    return 2 if cpus >= 2 and load < cpus else 1


def relative_imports(package_dir: Path) -> dict[str, list[tuple[int, str, list[str]]]]:
    """The ``from .module import Name`` statements of each module in ``package_dir``
    (by file name; line, module, names), also those inside functions or under
    ``TYPE_CHECKING``; the probe checks that each name exists.

    Statements only (never expressions): text inside strings, such as a schema
    description reading ``from .x import y``, is not code. A module that does not
    parse is left out (the probe fails to import it).
    """
    table: dict[str, list[tuple[int, str, list[str]]]] = {}
    for path in sorted(package_dir.glob("*.py")):
        try:
            source = decode_source(path.read_bytes())
            # Without the text of one (`from`, spaces or continuations, `.`), none.
            tree = ast.parse(source) if _RELATIVE_FROM.search(source) else ast.Module([], [])
        except (SyntaxError, ValueError, LookupError, OSError):
            continue
        table[path.name] = [
            (node.lineno, node.module, [alias.name for alias in node.names])
            for node in _import_statements(tree.body)
            if node.level == 1 and node.module and "." not in node.module
        ]
    return table


def _import_statements(body: list[ast.stmt]) -> list[ast.ImportFrom]:
    """The ``from ... import`` statements among ``body`` and the blocks nested in it."""
    found: list[ast.ImportFrom] = []
    pending: list[ast.AST] = list(body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.ImportFrom):
            found.append(node)
            continue
        for name in ("body", "orelse", "finalbody", "handlers", "cases"):
            block: object = getattr(node, name, None)
            if isinstance(block, list):
                pending += [item for item in block if isinstance(item, ast.AST)]  # pyright: ignore[reportUnknownVariableType]
    return sorted(found, key=lambda node: node.lineno)


def check_package(
    package_dir: Path,
    clients: Sequence[ClientClass],
    origins: Origins | None,
    *,
    shown_dir: Path | None = None,
    tail: str = "nothing was written",
) -> list[Diagnostic]:
    """The problems of the package in ``package_dir`` (empty: it works).

    ``shown_dir`` is where messages say the files are (where they will be
    written; default ``package_dir``); ``tail`` ends each message. The same check
    as a :class:`Probe` started now.
    """
    with Probe() as probe:
        probe.share(len(list(package_dir.glob("*.py"))))
        probe.start(package_dir, clients)
        return probe.result(origins, shown_dir=shown_dir, tail=tail)


def _diagnostics(
    problems: Sequence[Mapping[str, Any]],
    package_dir: Path,
    shown_dir: Path,
    origins: Origins | None,
    tail: str,
) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    texts: dict[str, str] = {}
    for problem in problems:
        file_name = str(problem.get("module") or "__init__.py")
        if file_name not in texts:
            path = package_dir / file_name
            texts[file_name] = path.read_text(encoding="utf-8") if path.is_file() else ""
        line = int(problem.get("line") or 0)
        name = str(problem.get("name") or "")
        message = str(problem.get("message") or "")
        origin = origins.of_method(name) if origins is not None else None
        if problem.get("kind") == "override" and origin is not None:
            shown = display_path(shown_dir / file_name)
            found.append(
                Diagnostic(
                    origin.file,
                    origin.line,
                    origin.column,
                    f"{origin.what}: its client method {message} ({shown}:{line}): "
                    f"rename the operation; {tail}",
                )
            )
            continue
        origin = origins.of_class(name) if origins is not None else None
        if problem.get("kind") == "export" and origin is not None:
            found.append(
                Diagnostic(
                    origin.file,
                    origin.line,
                    origin.column,
                    f"{origin.what}: generated code is broken: the package's {message}; {tail}",
                )
            )
            continue
        found.append(
            _diagnostic(origins, shown_dir, file_name, texts[file_name], line, message, tail, name)
        )
    return list(dict.fromkeys(found))


def check_written_package(config_dict: Mapping[str, Any]) -> None:
    """Under plain ariadne-codegen: probe the package it wrote; exit 2 if it is broken.

    Raises a ``click.ClickException`` (exit status 2) listing the problems.
    """
    import click

    section = config_dict.get("tool", {}).get("ariadne-codegen", config_dict)
    target = Path(str(section.get("target_package_path") or Path.cwd()))
    package_dir = target / str(section.get("target_package_name", "graphql_client"))
    client = ClientClass(
        str(section.get("client_file_name", "client")), str(section.get("client_name", "Client"))
    )
    problems = check_package(
        package_dir.resolve(), [client], None, tail="the package was written anyway"
    )
    if problems:

        class _Broken(click.ClickException):
            exit_code = 2

        raise _Broken("\n".join(str(problem) for problem in problems))
