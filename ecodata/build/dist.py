"""`build`: turn a valid package into dist/ — Parquet, SQLite, Datasette files, a zip and SHA256SUMS.

Builds are deterministic (sorted rows, fixed zip timestamps, sorted entries) and atomic: everything is
written to a temporary sibling folder that replaces the output folder only when complete.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..package import Package, PackageError, load_package
from ..validate.engine.progress import NO_PROGRESS, Counted
from ..validate.report import Report, summary_line
from ..validate.run import validate
from .sqlite import name_clash

ZIP_TIMESTAMP = (1980, 1, 1, 0, 0, 0)
ZIP_LEVEL = 1
CHUNK = 1 << 20
BUILD_INFO = "build-info.json"
BUILD_FORMAT = 5  # bump when dist/ gains or changes outputs, so `serve` rebuilds an older dist/


class BuildError(Exception):
    """The package cannot be built (it is invalid); carries the validation report."""

    def __init__(self, message: str, report: Report | None = None):
        super().__init__(message)
        self.report = report


def build(descriptor: str | Path | Package = ".", out: str | Path = "dist", progress=None) -> Path:
    """Validate, then build every output into `out`. Raises PackageError or BuildError.

    `progress`: a validate.engine.progress bar, shown the validation's reading, then the build's steps."""
    package = descriptor if isinstance(descriptor, Package) else load_package(descriptor)
    out = Path(out).resolve()
    check_output_folder(package, out)  # before any work: a wrong --out is said at once
    report = validate(package, lean_memory=True, with_tables=True, progress=progress)  # its peak: the build's
    if not report.valid:
        raise BuildError(f"not built: the package is invalid ({summary_line(report)})", report)
    if problem := unbuildable(package) or name_clash(package):
        raise PackageError(f"not built: {problem}")
    memory_for_the_build()
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_leftovers(out)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.building-", dir=out.parent))
    try:
        write_outputs(package, staging, progress or NO_PROGRESS, report.rows_checked)
        replace_folder(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def unbuildable(package: Package) -> str | None:
    """A resource that validates but that the build cannot write, in one line; None when none.

    A resource frictionless does not read as a table (a JSON file, say: "type" is not "table") has no
    rows for Parquet and SQLite; a folder of Parquet parts is read by the engine, which checks it, and
    by nothing that builds (frictionless cannot open a folder)."""
    from ..validate.engine.cells import Unsupported
    from ..validate.engine.plan import directory_parts

    for what, file_name in (
        ("name makes", f"{package.name}.db"),
        ("name and version make", zip_name(package)),
    ):
        if problem := unsafe_file_name(file_name):
            return f"the package's {what} {problem}"
    for resource, table in zip(package.resources, package.tables):
        name, path = table["name"], resource.get("path")
        if problem := unsafe_file_name(f"{name}.parquet"):
            return f'resource "{name}": its name makes {problem}'
        folder = package.safe_path(path) if isinstance(path, str) else None
        try:
            parquet_parts = folder is not None and folder.is_dir() and directory_parts(folder)[2]
        except Unsupported:  # a folder of no parts: validation said what is wrong with it
            parquet_parts = False
        if parquet_parts:
            return (
                f'resource "{name}" is a folder of Parquet parts, which ecodata validates but does not build '
                "yet; give its path as one Parquet file, or as a folder of CSV parts"
            )
        if table.get("type", "table") != "table":
            return (
                f'resource "{name}" is not a table to frictionless (its type is "{table["type"]}"): ecodata '
                "builds tables, from CSV, TSV or Parquet files; publish it as one, or outside the package"
            )
    return None


MOST_NAME_BYTES = 255  # the longest file name ext4, APFS and NTFS take


def unsafe_file_name(file_name: str) -> str | None:
    """What is wrong with a name the build gives a file from the descriptor (the database, the zip, a
    table's Parquet and CSV), as the end of a sentence; None when nothing. The Data Package name pattern
    allows "/" and names starting with "." (`../../etc` would write outside the build's folder)."""
    shown = file_name if len(file_name) <= 60 else f"{file_name[:40]}…"
    if "/" in file_name or "\\" in file_name:
        return f'the file name "{shown}", with a "/" or "\\" in it: a path; rename it (letters, digits, "-", "_" and ".")'
    if file_name.startswith("."):
        return f'the file name "{shown}", hidden or outside the build\'s folder; rename it to start with a letter or digit'
    if len(file_name.encode()) > MOST_NAME_BYTES:
        return f"a file name of {len(file_name.encode())} bytes, where file systems take {MOST_NAME_BYTES}; shorten it"
    return None


def memory_for_the_build() -> None:
    """Hand what validation freed back to the system before the build's own work, and from then on any
    freed megabyte. The engine has glibc keep up to 64 MB of freed blocks per thread and serve blocks
    of up to 32 MB from its heaps, where the build's pieces and batches, freed in another order than
    taken, would leave most of it unusable (1 M rows: 300 MB -> 230 MB at the build's peak)."""
    from ..memory import release_freed_memory, set_thresholds

    set_thresholds(mmap_bytes=1 << 20, trim_bytes=1 << 20)
    release_freed_memory()


def write_outputs(package: Package, folder: Path, progress=NO_PROGRESS, rows: int = 0) -> None:
    """Every output, on several threads: this one loads SQLite and builds its search index while others
    write Parquet, then copy the CSV files, zip the package and take the digests. `progress` is shown
    the `rows` loaded, then the two later steps."""
    from ..validate.context import evidence_of
    from .metadata import datasette_metadata
    from .search import write_search_tables
    from .source_pages import write_source_pages
    from .sqlite import new_database, write_inspect_file

    (folder / "parquet").mkdir()
    database = folder / f"{package.name}.db"
    with ThreadPoolExecutor(1, thread_name_prefix="ecodata-build") as background:
        info = background.submit(build_info, package)  # the inputs' digest, while the tables load
        with new_database(database) as connection:
            with progress.task("Parquet, SQLite", rows, unit="rows") as advance:
                parquet = write_tables(package, folder / "parquet", connection, advance)
            downloads = background.submit(write_downloads, package, folder)
            with progress.task("search index", 1, unit=None):
                write_search_tables(package, connection, parquet)
        with progress.task("pages, zip, SHA256SUMS", 1, unit=None):
            evidence = evidence_of(package)
            sources = read_parquet(parquet[evidence["sources"]]).to_pylist() if evidence else []
            if evidence:
                write_source_pages(package, parquet, folder / "sources", evidence)
            write_json(folder / "metadata.json", datasette_metadata(package, sources, evidence))
            digests = {database: file_digest(database)}  # for inspect.json and SHA256SUMS: read once
            write_inspect_file(database, folder / "inspect.json", digests[database])
            digests |= downloads.result()
            write_json(folder / BUILD_INFO, info.result())
            write_checksums(folder, digests)


def write_tables(package: Package, folder: Path, database, advance=lambda rows: None) -> dict[str, Path]:
    """Each resource into Parquet and SQLite in one pass, every table created first (an index then never
    takes a table's name), referenced tables loaded first: a thread of its own
    reads the typed batches and writes them to Parquet while this one loads them into SQLite. Rows that
    did not come in key order are loaded from the sorted Parquet file instead. `advance(rows)` is told
    of each batch loaded (and of a reload's rows taken back)."""
    from ..validate.engine.reading import read_ahead
    from .parquet import ParquetWrite
    from .sqlite import TableLoad, creation_order

    parquet = {}
    for table in [TableLoad(database, resource) for resource in creation_order(package)]:
        name = table.name
        parquet[name] = folder / f"{name}.parquet"
        written = ParquetWrite(package, name, parquet[name])
        loaded = Counted(advance)
        for batch in read_ahead(iter(written)):
            table.add(batch)
            loaded(batch.num_rows)
        if not written.in_order:
            loaded.take_back()
            table.reload(parquet[name], loaded)
        table.finish()
    return parquet


def write_downloads(package: Package, folder: Path) -> dict[Path, str]:
    """The CSV files and the zip; returns their digests and the Parquet files' (for SHA256SUMS)."""
    from ..validate.tables import write_csv

    (folder / "csv").mkdir()
    for resource, table in zip(package.resources, package.tables):
        write_csv(package, resource, folder / "csv" / f"{table['name']}.csv")
    write_zip(package, folder, folder / zip_name(package))
    files = [*(folder / "csv").iterdir(), *(folder / "parquet").iterdir(), folder / zip_name(package)]
    return {path: file_digest(path) for path in files}


def read_parquet(path: Path, columns: list[str] | None = None):
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=columns)


def zip_name(package: Package) -> str:
    """`<name>-<version>.zip`: a downloaded file says which release it is."""
    return f"{package.name}-{package.version}.zip" if package.version else f"{package.name}.zip"


def build_info(package: Package) -> dict:
    return {
        "name": package.name,
        "version": package.version,
        "format": BUILD_FORMAT,
        "inputs_sha256": package.inputs_digest(),
    }


def write_json(path: Path, document: dict) -> None:
    path.write_text(
        json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def write_zip(package: Package, folder: Path, target: Path) -> None:
    """The downloadable package: descriptor at the root (as frictionless reads a zipped package), CSVs,
    archived sources and Parquet, usable offline."""
    entries: dict[str, bytes | Path] = {
        package.relative(path.resolve()): path for path in package.input_files()
    }
    if package.descriptor_path.suffix != ".json":  # frictionless opens a zip by its datapackage.json
        del entries[package.relative(package.descriptor_path)]
        entries["datapackage.json"] = (
            json.dumps(package.descriptor, ensure_ascii=False, indent=2) + "\n"
        ).encode()
    entries |= {f"parquet/{path.name}": path for path in sorted((folder / "parquet").iterdir())}
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIMESTAMP)
            # Parquet is zstd already; text deflates at level 1: 4x faster than 6, about a quarter larger
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".parquet") else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info._compresslevel = ZIP_LEVEL  # what writestr(compresslevel=) sets; open("w") reads it
            content = entries[name]
            if isinstance(content, bytes):
                archive.writestr(info, content)
                continue
            big = content.stat().st_size >= zipfile.ZIP64_LIMIT
            with open(content, "rb") as source, archive.open(info, "w", force_zip64=big) as target:
                shutil.copyfileobj(source, target, CHUNK)  # a file at a time, never whole in memory


def file_digest(path: Path) -> str:
    with open(path, "rb") as source:
        return hashlib.file_digest(source, "sha256").hexdigest()


def write_checksums(folder: Path, known: dict[Path, str]) -> None:
    """SHA256SUMS for every file in `folder`; `known`: digests already taken, by path."""
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = known.get(path) or file_digest(path)
        lines.append(f"{digest}  {path.relative_to(folder).as_posix()}\n")
    (folder / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def check_output_folder(package: Package, out: Path) -> None:
    """The output folder is replaced whole, so it must be new, empty, or a build of ecodata's (it holds
    BUILD_INFO), and neither the package's folder nor a folder holding it. PackageError (exit 2) otherwise."""
    root = package.root.resolve()
    if out == root or root.is_relative_to(out):
        raise PackageError(f"{out}: holds the package itself; give --out a folder of its own, such as dist")
    if out.exists() and not out.is_dir():
        raise PackageError(f"{out}: exists and is not a folder; give --out another path")
    if out.is_dir() and not (out / BUILD_INFO).is_file() and any(out.iterdir()):
        raise PackageError(
            f"{out}: a folder ecodata did not build (it has no {BUILD_INFO}), which a build would replace; "
            "give --out a new or empty folder"
        )


def remove_leftovers(out: Path) -> None:
    """Staging and retired folders an interrupted build left beside `out`."""
    for pattern in (f".{out.name}.building-*", f".{out.name}.old-*"):
        for leftover in out.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


def replace_folder(staging: Path, out: Path) -> None:
    """Swap the finished build in, so that `out` is complete at every instant: one atomic exchange of the
    two folders where the system has it (Linux renameat2), else two renames."""
    staging.chmod(0o755)
    if not out.exists():
        staging.rename(out)
        return
    if exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the previous build
        return
    retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    retired.rmdir()
    out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)


def exchange(one: Path, other: Path) -> bool:
    """Swap two paths atomically (renameat2 RENAME_EXCHANGE); False where the system cannot."""
    import ctypes
    import os

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd, rename_exchange = -100, 2
    return renameat2(at_cwd, os.fsencode(one), at_cwd, os.fsencode(other), rename_exchange) == 0


def is_stale(descriptor: str | Path, out: str | Path) -> bool:
    """True when `out` was not built from the current inputs, or by a toolkit with another output format."""
    info_path = Path(out) / BUILD_INFO
    if not info_path.exists():
        return True
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return True
    if info.get("format") != BUILD_FORMAT:
        return True
    return info.get("inputs_sha256") != load_package(descriptor).inputs_digest()
