"""A package given as a zip (as `ecodata build` writes it, or frictionless reads it): extracted, whole zip
checked first, into a temporary folder that lives as long as it is read."""

from __future__ import annotations

import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from .package import Package, PackageError, load_package

MAX_UNPACKED_BYTES = 4_000_000_000  # a zip that would unpack to more is refused (a zip bomb, not a package)
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


@contextmanager
def opened(path: str | Path) -> Iterator[Package]:
    """The package at `path`; a zip is extracted into a temporary folder that lives as long as the context
    and is removed however it ends (the CLI turns SIGTERM into an exception for that)."""
    if not is_zip(path):
        yield load_package(path)  # (a URL too: it says it is one)
        return
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="ecodata-zip-") as folder:
        descriptor = extract(path, Path(folder))
        try:
            package = load_package(descriptor)
        except PackageError as error:  # said of the entry in the zip, not of a folder gone when read
            said = str(error)
            for extracted in {folder, str(Path(folder).resolve())}:
                said = said.replace(f"{extracted}/", "")
            raise PackageError(f"{path}: {said}") from None
        yield package


def is_zip(path: str | Path) -> bool:
    """Whether `path` is a zip on this machine (a URL is none: click keeps one as text)."""
    return "://" not in str(path) and Path(path).suffix.lower() == ".zip" and not Path(path).is_dir()


def extract(path: Path, folder: Path) -> Path:
    """Extract a package zip into `folder` and return its descriptor. The whole zip is checked before
    anything is written, and a refusal names the entry at fault."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            for entry in entries:
                check_entry(path, entry)
            unpacked = sum(entry.file_size for entry in entries)
            if unpacked > MAX_UNPACKED_BYTES:
                raise PackageError(
                    f"{path}: would unpack to {unpacked:,} bytes, more than {MAX_UNPACKED_BYTES:,}"
                )
            descriptor = descriptor_entry(path, [entry.filename for entry in entries])
            for entry in entries:
                try:
                    archive.extract(entry, folder)
                except OSError as error:
                    reason = error.strerror or error
                    raise PackageError(
                        f"{path}: cannot extract entry {entry.filename!r} ({reason})"
                    ) from None
    except FileNotFoundError:
        raise PackageError(f"{path}: no such file") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise PackageError(f"{path}: not a readable zip ({error})") from None
    return folder / descriptor


def check_entry(path: Path, entry: zipfile.ZipInfo) -> None:
    """Refuse an entry that would land outside the folder, or that zipfile could only fail on."""
    name = entry.filename
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if name.startswith(("/", "\\")) or ".." in parts or (parts and ":" in parts[0]):
        raise PackageError(f"{path}: entry {name!r} would be written outside the folder")
    if entry.flag_bits & 0x1:
        raise PackageError(f"{path}: entry {name!r} is encrypted")
    if entry.compress_type not in READABLE_METHODS:
        raise PackageError(
            f"{path}: entry {name!r} is compressed with method {entry.compress_type}, which ecodata cannot read"
        )


def descriptor_entry(path: Path, names: list[str]) -> str:
    """The one datapackage.json at the top of the zip or in one folder (as `build` writes it)."""
    descriptors = [name for name in names if PurePosixPath(name).name == "datapackage.json"]
    descriptors = [name for name in descriptors if name.count("/") <= 1]
    if len(descriptors) != 1:
        raise PackageError(
            f"{path}: expected one datapackage.json at the top or in one folder, found {len(descriptors)}"
        )
    return descriptors[0]
