"""Memory a process has freed, given back to the system.

Building the catalogue's index (``programs.catalogue_index``) reads every programme and its search
text at once: at 100,000 programmes a worker's resident memory rose from about 90 MB to 520 MB,
and to 610 MB after a second build, though the index kept is a fraction of that. Python freed the
rows, but glibc's allocator keeps freed memory inside its heap for the process to reuse, and the
rows' many medium-sized strings leave it in holes that the heap's own trimming (only at its top)
never returns. ``malloc_trim`` gives those pages back: the same worker went down to 250–270 MB,
build after build, for a few milliseconds (docs/operations.md, "The catalogue's index in memory").
"""

import ctypes
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None where the C library has none (macOS, musl)."""
    try:
        # The symbols already loaded into the process, the C library's among them.
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_trim = _malloc_trim()


def release_freed_memory() -> bool:
    """Return the memory this process has freed to the system, where the C library can; whether it could."""
    if _trim is None:
        return False
    _trim(0)
    return True
