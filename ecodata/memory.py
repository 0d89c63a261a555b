"""How glibc keeps freed memory: kept for reuse (fewer page faults) or handed back (lower peaks).
Elsewhere than glibc every function here does nothing."""

from __future__ import annotations

import functools

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)


@functools.cache
def libc():
    """glibc's allocator functions, or None elsewhere."""
    import ctypes

    try:
        found = ctypes.CDLL(None)
    except OSError:
        return None
    return found if hasattr(found, "mallopt") and hasattr(found, "malloc_trim") else None


def set_thresholds(mmap_bytes: int, trim_bytes: int) -> None:
    """Blocks from `mmap_bytes` on are mapped (and unmapped when freed); up to `trim_bytes` of freed
    memory at a heap's top are kept for the next allocation."""
    if (found := libc()) is not None:
        found.mallopt(M_MMAP_THRESHOLD, mmap_bytes)
        found.mallopt(M_TRIM_THRESHOLD, trim_bytes)


def release_freed_memory() -> None:
    """malloc_trim(0): every arena's free blocks back to the system, so a process's resident memory
    returns to what it uses after a large piece of work (validation before a build, a refused query)."""
    if (found := libc()) is not None:
        found.malloc_trim(0)
