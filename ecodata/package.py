"""Load a Data Package descriptor and resolve its resource paths, refusing anything unsafe.

Everything that stops us from even starting (missing file, not JSON or YAML, not a package, a path
that leaves the package folder or names a remote file) is a PackageError: the CLI turns it into a
one-line message and exit 2. A descriptor is `datapackage.json`, `.yaml` or `.yml`, Data Package v1 or v2.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

LICENCE_FILES = ("LICENSE", "LICENCE", "COPYING")  # a licence's text, by the names repositories give it
DESCRIPTOR_NAMES = ("datapackage.json", "datapackage.yaml", "datapackage.yml")


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
    def shown(self) -> str:
        """The descriptor's path as messages give it (see `shown_path`)."""
        return shown_path(self.descriptor_path)

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

    @cached_property
    def tables(self) -> list[dict]:
        """The resources as frictionless reads them: schema inlined (inferred when absent), keys as lists.

        Only for stages after validation: it reads the descriptor through frictionless.
        """
        return normalised_resources(self)

    def adopt_tables(self, tables: list[dict]) -> None:
        """Take `tables` as normalised elsewhere (in the engine's forked child, aside.py)."""
        self.__dict__.setdefault("tables", tables)  # where cached_property keeps its value

    def table(self, name: str) -> dict:
        for table in self.tables:
            if table["name"] == name:
                return table
        raise KeyError(name)

    def resource_path(self, resource: dict) -> Path:
        """The one file of a resource; a multipart or inline resource has none (PackageError)."""
        if not isinstance(resource.get("path"), str):
            raise PackageError(f"resource {resource['name']!r} is not a single file")
        return self.safe_path(resource["path"])

    def resource_files(self, resource: dict) -> list[Path]:
        """Every file a resource reads: its data parts and a schema or dialect given as a path."""
        paths = resource.get("path") or []
        files = [self.safe_path(part) for part in ([paths] if isinstance(paths, str) else paths)]
        files += [
            self.safe_path(resource[key])
            for key in ("schema", "dialect")
            if isinstance(resource.get(key), str)
        ]
        return [
            part
            for path in files
            for part in (sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
        ]

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def safe_path(self, relative: str) -> Path:
        """Resolve a descriptor path inside the package folder; URLs and escapes are refused."""
        if "://" in relative:
            raise PackageError(
                f"{self.shown}: path {relative!r} is remote; ecodata reads local files only "
                "(download it into the package folder and give its relative path)"
            )
        if Path(relative).is_absolute():
            raise PackageError(f"{self.shown}: path {relative!r} must be relative to the package")
        resolved = (self.root / relative).resolve()
        if not resolved.is_relative_to(self.root.resolve()):
            raise PackageError(f"{self.shown}: path {relative!r} leaves the package folder")
        return resolved

    def input_files(self) -> list[Path]:
        """Every file a build reads: the descriptor, the resources, the licence's text beside the
        descriptor (LICENSE, LICENCE.md, COPYING…: the zip is the data's to pass on) and the archived sources."""
        files = [self.descriptor_path]
        for resource in self.resources:
            files += [path for path in self.resource_files(resource) if path not in files]
        files += sorted(
            path
            for path in self.root.iterdir()
            if path.is_file() and path.name.upper().startswith(LICENCE_FILES) and path not in files
        )
        sources = self.root / "sources"
        if sources.is_dir():
            files += sorted(p for p in sources.iterdir() if p.is_file())
        for folder in ("datasette", "validators"):  # canned queries and dashboards; the package's own checks
            if (self.root / folder).is_dir():
                files += sorted(
                    p for p in (self.root / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
                )
        return files

    def inputs_digest(self) -> str:
        """One SHA-256 over every input file's name and bytes, read a megabyte at a time."""
        digest = hashlib.sha256()
        for path in self.input_files():
            digest.update(self.relative(path.resolve()).encode() + b"\0")
            if not path.exists():
                digest.update(b"<missing>")
                continue
            with open(path, "rb") as source:
                while chunk := source.read(1 << 20):
                    digest.update(chunk)
        return digest.hexdigest()


DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".xlsx", ".xls", ".ods")


def find_descriptor(path: str | Path) -> Path:
    """A descriptor file, or the first of DESCRIPTOR_NAMES in a folder."""
    if "://" in str(path):
        raise PackageError(
            f"{path}: a URL; ecodata reads packages on this machine only (download the package with its data "
            "files, or the zip `ecodata build` makes, and give its path)"
        )
    path = Path(path)
    if path.is_dir():
        found = descriptor_in(path)
        if found is None:
            try:
                data = any(child.suffix.lower() in DATA_SUFFIXES for child in path.iterdir())
            except OSError:  # a folder one may enter but not list: no hint, the same error
                data = False
            hint = f"; `ecodata init {shown_path(path)}` describes its data files in one" if data else ""
            raise PackageError(f"{shown_path(path)}: no {', '.join(DESCRIPTOR_NAMES)} in this folder{hint}")
        return found
    if path.suffix.lower() in DATA_SUFFIXES:
        package = next((folder for folder in path.resolve().parents if descriptor_in(folder)), None)
        advice = (
            f"give its package's folder, {shown_path(package)}"
            if package
            else f"give the folder holding its datapackage.json, or describe the folder with `ecodata init {shown_path(path.parent)}`"
        )
        raise PackageError(f"{shown_path(path)}: a data file, not a package descriptor; {advice}")
    return path


def descriptor_in(folder: Path) -> Path | None:
    """The first of DESCRIPTOR_NAMES in `folder`; None when it holds none."""
    return next((folder / name for name in DESCRIPTOR_NAMES if (folder / name).is_file()), None)


def shown_path(path: Path) -> str:
    """`path` as one finds it from the folder the command runs in: relative to it when inside it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return str(path)


def load_package(path: str | Path = ".") -> Package:
    descriptor_path = find_descriptor(path).resolve()
    shown = shown_path(descriptor_path)
    if descriptor_path.exists() and not descriptor_path.is_file():
        raise PackageError(f"{path}: not a regular file")
    try:
        text = descriptor_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackageError(f"{path}: no such descriptor file") from None
    except UnicodeDecodeError as error:
        kind = binary_kind(descriptor_path)
        raise PackageError(
            f"{shown}: {kind}" if kind else f"{shown}: not UTF-8 text (byte {error.start})"
        ) from None
    except OSError as error:
        raise PackageError(f"{path}: cannot read descriptor ({error.strerror})") from None
    descriptor = parse_descriptor(text, shown)
    check_shape(descriptor, shown)
    package = Package(descriptor_path, descriptor)
    for resource in package.resources:
        for path in package.resource_files(resource):  # refuse escapes and URLs before anything is read
            if path.exists() and not path.is_file():  # a FIFO or a device would block or never end
                raise PackageError(f"{shown}: {package.relative(path)} is not a regular file")
    return package


# Files given where a descriptor is expected, known by their first bytes, and what to give instead.
BINARY_KINDS = {
    b"PK\x03\x04": "a zip archive, not a package descriptor; unzip it and give the datapackage.json inside",
    b"SQLite format 3\x00": "a SQLite database (as `ecodata build` writes), not a package descriptor; give "
    "the datapackage.json it was built from",
    b"PAR1": "a Parquet file, not a package descriptor; give the datapackage.json that lists it",
    b"\x1f\x8b": "a gzip file, not a package descriptor; give the datapackage.json that lists it",
}


def binary_kind(path: Path) -> str | None:
    """What a file that is not text is, in words, when its first bytes say so (see BINARY_KINDS)."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(16)
    except OSError:
        return None
    return next((kind for magic, kind in BINARY_KINDS.items() if start.startswith(magic)), None)


def read_descriptor_file(path: Path, shown: str) -> object:
    """A schema or dialect given as a path: JSON, or YAML by its name, as a package's descriptor."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise PackageError(f"{shown}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise PackageError(f"{shown}: cannot read it ({error.strerror})") from None
    return parse_descriptor(text, shown)


def parse_descriptor(text: str, shown: str) -> object:
    if shown.lower().endswith((".yaml", ".yml")):
        import yaml

        try:  # YAML reads 2020-01-31 as a date; a descriptor holds JSON values, so dates become ISO text
            return json.loads(json.dumps(yaml.safe_load(text), default=str))
        except yaml.YAMLError as error:
            mark, problem = getattr(error, "problem_mark", None), getattr(error, "problem", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            said = ": ".join(filter(None, [where, problem]))  # as the JSON error: where, then what
            raise PackageError(f"{shown}: not valid YAML{f' ({said})' if said else ''}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise PackageError(
            f"{shown}: not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except RecursionError:
        raise PackageError(f"{shown}: nested too deeply to read") from None


def check_shape(descriptor: object, shown: str) -> None:
    if not isinstance(descriptor, dict):
        raise PackageError(f"{shown}: not a data package (the top level must be a JSON object)")
    resources = descriptor.get("resources")
    if not isinstance(resources, list):
        raise PackageError(f'{shown}: not a data package (no "resources" list)')
    if not resources:
        raise PackageError(f'{shown}: "resources" is empty; a data package describes at least one resource')
    for index, resource in enumerate(resources):
        if not isinstance(resource, dict) or not isinstance(resource.get("name"), str):
            raise PackageError(f'{shown}: resources[{index}] has no "name"')
        if "data" in resource and "path" not in resource:
            continue  # inline data
        path = resource.get("path")
        parts = path if isinstance(path, list) and path else [path]
        if not all(isinstance(part, str) for part in parts):
            raise PackageError(
                f'{shown}: resource {resource["name"]!r} needs a "path" (a string or a list of strings) or "data"'
            )


def frictionless_package(package: Package):
    import frictionless

    return frictionless.Package(package.descriptor, basepath=str(package.root))


def frictionless_package_at(package: Package):
    """frictionless's Package opened by its descriptor's path, as `frictionless validate` opens it;
    a `.yml` descriptor, which frictionless reads by path as JSON, from the descriptor as parsed."""
    import frictionless

    if package.descriptor_path.suffix.lower() == ".yml":
        return frictionless_package(package)
    return frictionless.Package(str(package.descriptor_path))


def tables_or_none(package: Package, read=None) -> list[dict] | None:
    try:
        return normalised_resources(package, read)
    except PackageError:
        return None


def normalised_resources(package: Package, read=None) -> list[dict]:
    """Each resource's descriptor as frictionless normalises it, with its schema inlined or inferred.

    `read`: frictionless's Package of the descriptor where one was made already (a tenth of a second
    for this project's 14 resources)."""
    import frictionless

    tables = []
    try:
        for resource in (read or frictionless_package(package)).resources:
            if not resource.schema.fields:
                resource.infer()
            descriptor = resource.to_descriptor()
            descriptor["schema"] = resource.schema.to_descriptor()
            if isinstance(descriptor.get("dialect"), str):
                descriptor["dialect"] = resource.dialect.to_descriptor()
            tables.append(descriptor)
    except frictionless.FrictionlessException as error:
        raise PackageError(f"{package.shown}: {error.error.message}") from None
    except (ValueError, TypeError, KeyError, AttributeError) as error:  # shapes frictionless fails on
        raise PackageError(  # (a "$schema" of "https://[…": urlparse's ValueError), as its check says
            f"{package.shown}: frictionless cannot read the descriptor ({type(error).__name__}: {error})"
        ) from None
    return tables
