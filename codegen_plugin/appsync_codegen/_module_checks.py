"""The plugin's checks that generated names do not clash (see :class:`ModuleChecks`)."""

from __future__ import annotations

import ast
import builtins
from collections.abc import Set
from typing import cast

from graphql import ExecutableDefinitionNode, GraphQLSchema, Node, OperationDefinitionNode

from ._rewrite import located, statements, walk
from .errors import CodegenError, Diagnostic
from .names import python_name

_BUILTINS = frozenset(dir(builtins))
"""Names ``builtins`` has (``hasattr(builtins, name)``, as a set)."""

__all__ = ["ModuleChecks"]


class ModuleChecks:
    """Refuses generated names that would clash: two operations on one method, an
    argument the method's code uses, a class replacing a name its module uses, two
    package exports of one name. Each refusal is located at the GraphQL element to
    rename."""

    def __init__(
        self, schema: GraphQLSchema, *, snake_case: bool, method_reserved: frozenset[str]
    ) -> None:
        self.schema = schema
        self._snake_case = snake_case
        self._method_reserved = method_reserved
        self._methods: dict[str, OperationDefinitionNode] = {}

    def method(
        self, method_def: ast.FunctionDef | ast.AsyncFunctionDef, operation: OperationDefinitionNode
    ) -> None:
        """Refuse a method that two operations would share, or an argument that the
        method's own code would overwrite or read as something else."""
        seen = self._methods.get(method_def.name)
        if seen is not None and seen.name and operation.name and seen.name != operation.name:
            raise CodegenError(
                [
                    located(
                        operation.name,
                        f"{operation.operation.value} {operation.name.value} and "
                        f"{seen.name.value} would both generate the method "
                        f"{method_def.name}: rename one of them",
                    )
                ]
            )
        self._methods[method_def.name] = operation
        parameters = {arg.arg for arg in (*method_def.args.args[1:], *method_def.args.kwonlyargs)}
        clashes = parameters & _names_used_besides_arguments(method_def)
        if not clashes:
            return
        variables = {
            python_name(d.variable.name.value, snake_case=self._snake_case): d
            for d in operation.variable_definitions
        }
        problems = [
            located(
                variables[name].variable if name in variables else operation,
                f"argument {name} of {method_def.name} is a name the generated method "
                "uses itself: rename the variable",
            )
            for name in sorted(clashes)
        ]
        raise CodegenError(problems)

    def module_names(
        self,
        module: ast.Module,
        operation: ExecutableDefinitionNode | None,
        names: Set[str] | None = None,
    ) -> None:
        """Refuse a generated class named like a name its module imports or a builtin
        it uses (an input ``Field``, an enum ``str``, an operation ``Optional``): the
        class would silently replace it for the code below it.

        ``names``: the names the module reads, if known already; then only its
        statements are walked (for the imports).
        """
        imported: set[str] = set()
        sources: dict[str, set[tuple[int, str | None]]] = {}
        used: set[str] = set()  # builtins the module names
        nodes: list[ast.AST] | list[ast.stmt]
        if names is None:
            nodes = walk(module)  # one walk: a large client module has many nodes
        else:
            used = {name for name in names if name in _BUILTINS}
            nodes = statements(module)
        for node in nodes:
            kind = type(node)
            if kind is ast.Name:
                name_id = cast("ast.Name", node).id
                if name_id in _BUILTINS:
                    used.add(name_id)
            elif kind is ast.Import or kind is ast.ImportFrom:
                statement = cast("ast.Import | ast.ImportFrom", node)
                source = (getattr(node, "level", 0) or 0, getattr(node, "module", None))
                for alias in statement.names:
                    bound = (alias.asname or alias.name).split(".")[0]
                    imported.add(bound)
                    sources.setdefault(bound, set()).add(source)
        classes = [node for node in module.body if isinstance(node, ast.ClassDef)]
        own = {c.name for c in classes}
        clashes = sorted(
            name for name in own if (name in used and name in _BUILTINS) or name in imported
        ) + sorted(name for name, where in sources.items() if len(where) > 1 and name not in own)
        if not clashes:
            return
        problems: list[Diagnostic] = []
        for name in clashes:
            schema_type = self.schema.type_map.get(name)
            method = self._methods.get(python_name(name, reserved=self._method_reserved))
            where: Node | None = (
                operation.name
                if operation is not None and operation.name is not None
                else getattr(schema_type, "ast_node", None)
                or (method.name if method is not None else None)
            )
            problems.append(
                located(
                    where,
                    f"the generated class {name} would replace the name {name} that its "
                    "module uses: rename the "
                    + ("type" if schema_type is not None and operation is None else "operation"),
                )
            )
        raise CodegenError(problems)

    def exports(self, module: ast.Module) -> None:
        """Refuse two generated names the package ``__init__`` would export as one."""
        sources: dict[str, set[str]] = {}
        for node in walk(module):
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                for alias in node.names:
                    sources.setdefault(alias.asname or alias.name, set()).add(node.module)
        clashes = {name: mods for name, mods in sources.items() if len(mods) > 1}
        if not clashes:
            return
        problems: list[Diagnostic] = []
        for name, modules in sorted(clashes.items()):
            where = sorted(modules)
            culprit = next(
                (self._methods[m] for m in where if m in self._methods),
                None,
            )
            schema_type = self.schema.type_map.get(name)
            at: Node | None = (
                culprit.name if culprit is not None else getattr(schema_type, "ast_node", None)
            )
            problems.append(
                located(
                    at,
                    f"the package would export two names {name} (from "
                    f"{' and '.join(m + '.py' for m in where)}): rename the "
                    + ("operation" if culprit is not None else "type"),
                )
            )
        raise CodegenError(problems)


def _names_used_besides_arguments(method: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    """Names a generated method binds, or reads outside its ``variables`` dict."""
    names: set[str] = set()
    for statement in method.body:
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and statement.target.id == "variables"
        ):
            names.add("variables")
            continue
        for node in walk(statement):
            if isinstance(node, ast.Name):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, ast.arg):
                names.add(node.arg)
    for default in (*method.args.defaults, *method.args.kw_defaults):
        if default is not None:
            names.update(n.id for n in walk(default) if isinstance(n, ast.Name))
    return names
