"""The programme lottery's draw: the shared pure functions of ``manabiba.core.lottery``."""

from manabiba.core.lottery import ALGORITHM, Allocation, Entry, allocate, draw_key, new_seed

__all__ = ["ALGORITHM", "Allocation", "Entry", "allocate", "draw_key", "new_seed"]
