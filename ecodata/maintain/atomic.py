"""Replace a file whole or not at all, with the mode its owner expects: shared by `init` and `new-row`."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path


def replace_file(path: Path, data: bytes) -> None:
    """Write `data` to a sibling temporary file, then rename it over `path`: a kill or a full disk never
    leaves a half-written file.

    The file keeps the mode of the one it replaces; a new one gets the mode any new file gets under the
    umask (0644 under 022), as the temporary file is created with 0666 for the umask to narrow — not
    mkstemp's 0600, which would hide a descriptor from the group and from a web server."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    handle = os.open(temporary, flags, 0o666)
    try:
        with open(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():
            shutil.copymode(path, temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
