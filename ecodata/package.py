"""Load a Data Package descriptor and resolve its resource paths, refusing anything unsafe.

Everything that stops us from even starting (missing file, not JSON, not a package, a path that
leaves the package folder) is a PackageError: the CLI turns it into a one-line message and exit 2.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path


class PackageError(Exception):
    """The descriptor cannot be used at all."""


@dataclass(frozen=True)
class Package:
    descriptor_path: Path
    descriptor: dict

    @property
    def root(self) -> Path:
        return self.descriptor_path.parent

    @property
    def name(self) -> str:
        return self.descriptor.get("name") or self.root.name

    @property
    def version(self) -> str:
        return self.descriptor.get("version", "")

    @property
    def resources(self) -> list[dict]:
        return self.descriptor["resources"]

    def resource(self, name: str) -> dict:
        for resource in self.resources:
            if resource.get("name") == name:
                return resource
        raise KeyError(name)

    def resource_path(self, resource: dict) -> Path:
        if not isinstance(resource["path"], str):
            raise PackageError(
                f"resource {resource['name']!r} is multipart: validate it; build and serve take one file"
            )
        return self.safe_path(resource["path"])

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def safe_path(self, relative: str) -> Path:
        """Resolve a descriptor path inside the package folder; URLs and escapes are refused."""
        if "://" in relative or Path(relative).is_absolute():
            raise PackageError(
                f"{self.descriptor_path.name}: path {relative!r} must be relative to the package"
            )
        resolved = (self.root / relative).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise PackageError(f"{self.descriptor_path.name}: path {relative!r} leaves the package folder")
        return resolved

    def input_files(self) -> list[Path]:
        """Every file a build reads: the descriptor, the resources and the archived sources."""
        files = [self.descriptor_path] + [self.resource_path(r) for r in self.resources]
        sources = self.root / "sources"
        if sources.is_dir():
            files += sorted(p for p in sources.iterdir() if p.is_file())
        serving = self.root / "datasette"  # canned queries and dashboards (metadata.py)
        if serving.is_dir():
            files += sorted(p for p in serving.rglob("*") if p.is_file())
        return files

    def inputs_digest(self) -> str:
        digest = hashlib.sha256()
        for path in self.input_files():
            digest.update(self.relative(path.resolve()).encode() + b"\0")
            digest.update(path.read_bytes() if path.exists() else b"<missing>")
        return digest.hexdigest()


def load_package(path: str | Path = "datapackage.json") -> Package:
    descriptor_path = Path(path)
    if descriptor_path.is_dir():
        descriptor_path = descriptor_path / "datapackage.json"
    descriptor_path = descriptor_path.resolve()
    shown = descriptor_path.name
    try:
        text = descriptor_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackageError(f"{path}: no such descriptor file") from None
    except UnicodeDecodeError as error:
        raise PackageError(f"{shown}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise PackageError(f"{path}: cannot read descriptor ({error.strerror})") from None
    try:
        descriptor = json.loads(text)
    except json.JSONDecodeError as error:
        raise PackageError(
            f"{shown}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    check_shape(descriptor, shown)
    package = Package(descriptor_path, descriptor)
    for resource in package.resources:
        for part in resource["path"] if isinstance(resource["path"], list) else [resource["path"]]:
            package.safe_path(part)  # refuse escapes and URLs before anything is read
    return package


def check_shape(descriptor: object, shown: str) -> None:
    if not isinstance(descriptor, dict):
        raise PackageError(f"{shown}: not a data package (the top level must be a JSON object)")
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise PackageError(f'{shown}: not a data package (no "resources" list)')
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            raise PackageError(f'{shown}: resources[{index}] has no "name"')
        path = resource.get("path")
        parts = path if isinstance(path, list) and path else [path]
        if not all(isinstance(part, str) for part in parts):
            raise PackageError(
                f'{shown}: resource {resource["name"]!r} needs a "path": a string or a list of strings'
            )
