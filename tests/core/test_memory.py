"""Memory a process freed goes back to the system (``core.memory``), where the C library allows."""

import platform
import resource

from manabiba.core.memory import release_freed_memory


def _resident_megabytes() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 1_000_000


def test_memory_freed_between_objects_still_in_use_goes_back_to_the_system() -> None:
    if platform.libc_ver()[0] != "glibc":
        # Elsewhere (macOS, musl) there is no such call: nothing is done, and the caller is told.
        assert release_freed_memory() is False
        return
    # As a build of the catalogue's index leaves it: many medium-sized rows freed, with what is
    # kept in between, so the allocator's heap cannot shrink from its top.
    kept, freed = [], []
    for _ in range(10_000):
        freed.append(bytearray(12_000))
        kept.append(bytearray(100))
    del freed
    before = _resident_megabytes()
    assert release_freed_memory() is True
    # 120 MB were freed, and the allocator alone had kept nearly all of it.
    assert before - _resident_megabytes() > 60
    assert len(kept) == 10_000
