"""Handing freed memory back to the system (glibc keeps freed blocks for reuse; elsewhere a no-op)."""

from __future__ import annotations


def release_freed_memory() -> None:
    """malloc_trim(0): every arena's free blocks back to the system, so a process's resident memory
    returns to what it uses after a large piece of work (validation before a build, a refused query)."""
    import ctypes

    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (AttributeError, OSError):
        pass  # not glibc
