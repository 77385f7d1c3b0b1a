"""The lottery's allocation, as a pure function of its inputs: anyone can run it again.

Every applicant gets a key, HMAC-SHA256(seed, registration id). Applicants are ordered by
(tier, key): tiers first, and within a tier by key, which for a secret random seed is a uniform
random order. Seats are then given in that order to each applicant whose party still fits; the
others keep their place in the order (the waiting list). Nothing depends on Python's random
module, so the same seed gives the same result on any machine, in any language.
"""

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

ALGORITHM = "hmac-sha256-v1"


@dataclass(frozen=True)
class Entry:
    """One applicant as the draw sees them: no name, only an id, a tier and the seats asked for."""

    id: int
    tier: int
    seats: int


@dataclass(frozen=True)
class Allocation:
    ranking: tuple[int, ...]
    winners: tuple[int, ...]
    rest: tuple[int, ...]


def new_seed() -> str:
    """256 bits from the operating system's secure generator, as hex."""
    return secrets.token_hex(32)


def draw_key(seed: str, entry_id: int) -> str:
    return hmac.new(seed.encode(), str(entry_id).encode(), hashlib.sha256).hexdigest()


def allocate(entries: Sequence[Entry], *, seed: str, capacity: int | None) -> Allocation:
    """Order ``entries`` by tier then by their key under ``seed``; give seats while parties fit.

    ``capacity`` None means unlimited: everyone wins, in drawn order.
    """
    ranked = sorted(entries, key=lambda e: (e.tier, draw_key(seed, e.id), e.id))
    left = capacity
    winners: list[int] = []
    rest: list[int] = []
    for entry in ranked:
        if left is None or entry.seats <= left:
            winners.append(entry.id)
            if left is not None:
                left -= entry.seats
        else:
            rest.append(entry.id)
    return Allocation(ranking=tuple(e.id for e in ranked), winners=tuple(winners), rest=tuple(rest))
