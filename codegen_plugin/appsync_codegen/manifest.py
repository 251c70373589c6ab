"""The manifest of a generated package: what it was generated from, as hashes.

``appsync-codegen generate`` writes ``_manifest.json`` (:data:`MANIFEST_NAME`)
into the package. JSON keeps it out of the import path entirely. It holds
SHA-256 hashes of the schema, of each operation file and of the effective
configuration, the versions of appsync-typed and ariadne-codegen that generated
it, and the hash of every generated file. It is deterministic: the same inputs
give the same bytes, on any machine (paths are recorded relative to the config).

The stable API (``appsync-codegen check`` builds on it)::

    build_manifest(config, files=None) -> Manifest   # from the inputs on disk now
    read_manifest(package_dir) -> Manifest | None     # None: absent or unreadable
    explain_changes(old, new) -> list[str]            # [] when the inputs match
    changed_files(manifest, package_dir) -> list[str] # generated files edited since

:func:`explain_changes` compares the inputs only; its reasons, in this order::

    "schema changed"
    "operations changed: a.graphql, b.graphql"   # edited, added or removed files
    "config changed"
    "generator version changed 0.1.0 -> 0.2.0"
    "ariadne-codegen version changed 0.19.0 -> 0.20.0"
    "manifest format changed"

What counts as the effective configuration: ``[tool.ariadne-codegen]`` as written
(paths as spelled) with the defaults appsync-codegen applies, the resolved
``[tool.ariadne-codegen.appsync]`` options and line length, and the ruff settings
that format the package (of a ``pyproject.toml``, its ``[tool.ruff]`` only). The
schema is the text of its files; for ``remote_schema_url`` it is unknown
(:attr:`Manifest.schema` is None) and :func:`explain_changes` reports "schema
changed" when either side lacks it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .config import CodegenConfig, load_config

__all__ = [
    "MANIFEST_NAME",
    "Manifest",
    "build_manifest",
    "changed_files",
    "explain_changes",
    "read_manifest",
]

MANIFEST_NAME = "_manifest.json"
"""File name of the manifest inside the generated package."""
FORMAT = 1
DISTRIBUTION = "appsync-typed"


@dataclass(frozen=True)
class Manifest:
    """What a package was generated from (hashes are SHA-256, hex)."""

    schema: str | None
    """The schema's files, in order; None when it came from ``remote_schema_url``."""
    operations: Mapping[str, str] = field(default_factory=dict)
    """Each operation file, by its path relative to ``queries_path`` (posix)."""
    config: str = ""
    """The effective configuration (see the module docstring)."""
    generator: str = ""
    """Version of appsync-typed."""
    ariadne_codegen: str = ""
    """Version of ariadne-codegen."""
    files: Mapping[str, str] = field(default_factory=dict)
    """Each generated file (all but the manifest), by name."""
    format: int = FORMAT

    def to_json(self) -> str:
        """The manifest as written to disk: sorted keys, two-space indent, newline."""
        data = asdict(self)
        data["operations"] = dict(sorted(self.operations.items()))
        data["files"] = dict(sorted(self.files.items()))
        return json.dumps(data, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse :meth:`to_json`'s output; raises ``ValueError`` on anything else."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("a manifest is a JSON object")
        try:
            return cls(
                schema=_optional_str(data["schema"]),
                operations=_str_map(data["operations"]),
                config=str(data["config"]),
                generator=str(data["generator"]),
                ariadne_codegen=str(data["ariadne_codegen"]),
                files=_str_map(data.get("files", {})),
                format=int(data["format"]),
            )
        except (KeyError, TypeError) as exc:
            raise ValueError(f"not a manifest: {exc}") from None


def build_manifest(
    config: CodegenConfig | Path | str | None = None,
    files: Mapping[str, bytes] | None = None,
) -> Manifest:
    """The manifest of the inputs ``config`` names, as they are on disk now.

    ``files`` are the generated files (name to content) to record; without them
    the manifest describes the inputs only, which is what comparing needs.
    """
    loaded = config if isinstance(config, CodegenConfig) else load_config(config)
    return Manifest(
        schema=_schema_hash(loaded),
        operations=_operation_hashes(loaded),
        config=_config_hash(loaded),
        generator=_version(DISTRIBUTION),
        ariadne_codegen=_version("ariadne-codegen"),
        files={name: _sha256(content) for name, content in sorted((files or {}).items())},
    )


def read_manifest(package_dir: Path | str) -> Manifest | None:
    """The manifest in ``package_dir``; None when there is none or it is unreadable."""
    path = Path(package_dir) / MANIFEST_NAME
    try:
        return Manifest.from_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def explain_changes(old: Manifest, new: Manifest) -> list[str]:
    """Why a package generated from ``old`` differs from one generated from ``new``."""
    reasons: list[str] = []
    if old.schema is None or new.schema is None or old.schema != new.schema:
        reasons.append("schema changed")
    changed = sorted(
        name
        for name in set(old.operations) | set(new.operations)
        if old.operations.get(name) != new.operations.get(name)
    )
    if changed:
        reasons.append(f"operations changed: {', '.join(changed)}")
    if old.config != new.config:
        reasons.append("config changed")
    if old.generator != new.generator:
        reasons.append(f"generator version changed {old.generator} -> {new.generator}")
    if old.ariadne_codegen != new.ariadne_codegen:
        reasons.append(
            f"ariadne-codegen version changed {old.ariadne_codegen} -> {new.ariadne_codegen}"
        )
    if old.format != new.format:
        reasons.append("manifest format changed")
    return reasons


def changed_files(manifest: Manifest, package_dir: Path | str) -> list[str]:
    """Files the manifest records whose content on disk differs or is missing."""
    package = Path(package_dir)
    changed = []
    for name, digest in sorted(manifest.files.items()):
        path = package / name
        if not path.is_file() or _sha256(path.read_bytes()) != digest:
            changed.append(name)
    return changed


# -- hashing the inputs -------------------------------------------------------------


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _schema_hash(config: CodegenConfig) -> str | None:
    section = config.section
    if section.get("remote_schema_url") and not (
        section.get("schema_path") or section.get("schema_paths")
    ):
        return None
    digest = hashlib.sha256()
    for label, content in _schema_sources(config):
        digest.update(label.encode("utf-8") + b"\0")
        digest.update(_sha256(content).encode("ascii"))
    return digest.hexdigest()


def _schema_sources(config: CodegenConfig) -> list[tuple[str, bytes]]:
    """(label, bytes) of every schema file, in the order generation reads them."""
    from .schema import graphql_files

    section = config.section
    entries = [section["schema_path"]] if section.get("schema_path") else []
    entries += list(section.get("schema_paths", []))
    sources: list[tuple[str, bytes]] = []
    for entry in entries:
        path = Path(entry)
        if not path.exists():  # a dotted import path such as the prelude's
            sources.append((entry, _dotted_path_content(entry)))
            continue
        for file in graphql_files(path):
            sources.append((_relative(config, file), file.read_bytes()))
    return sources


def _dotted_path_content(entry: str) -> bytes:
    """The content behind ``package.module.NAME`` (a path), or the entry itself."""
    import importlib

    module_name, _, attribute = entry.rpartition(".")
    try:
        target = getattr(importlib.import_module(module_name), attribute)
        return Path(str(target)).read_bytes()
    except (ImportError, AttributeError, OSError, ValueError):
        return entry.encode("utf-8")


def _operation_hashes(config: CodegenConfig) -> dict[str, str]:
    from .schema import graphql_files

    queries = config.section.get("queries_path")
    if not queries or not Path(queries).exists():
        return {}
    root = Path(queries)
    hashes: dict[str, str] = {}
    for file in graphql_files(root):
        name = file.relative_to(root).as_posix() if root.is_dir() else file.name
        hashes[name] = _sha256(file.read_bytes())
    return hashes


def _config_hash(config: CodegenConfig) -> str:
    from .config import (
        APPSYNC_TABLE,
        effective_section,
        read_toml,
        ruff_config_for,
        ruff_line_length,
    )

    options = asdict(config.options)
    ruff = ruff_config_for(config.root)
    options["line_length"] = options["line_length"] or ruff_line_length(ruff)
    effective: dict[str, Any] = {
        "ariadne-codegen": effective_section(config.written),
        APPSYNC_TABLE: options,
        "ruff": _ruff_settings(read_toml(ruff), ruff.name) if ruff else None,
    }
    text = json.dumps(effective, sort_keys=True, default=str, separators=(",", ":"))
    return _sha256(text.encode("utf-8"))


def _ruff_settings(document: dict[str, Any], name: str) -> Any:
    """The ruff settings of a configuration file (of a pyproject.toml, its ``[tool.ruff]``)."""
    return document.get("tool", {}).get("ruff", {}) if name == "pyproject.toml" else document


def _relative(config: CodegenConfig, path: Path) -> str:
    try:
        return path.resolve().relative_to(config.root).as_posix()
    except ValueError:
        return path.name


def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def _optional_str(value: object) -> str | None:
    return None if value is None else str(value)


def _str_map(value: object) -> dict[str, str]:
    if not isinstance(value, dict):
        raise TypeError("expected an object of strings")
    return {str(key): str(item) for key, item in value.items()}
