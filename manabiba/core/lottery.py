"""The city's lotteries as pure functions of their inputs: anyone can run a draw again.

Shared by the programme lottery (``registrations``: seats) and the monthly room lottery (``venues``:
frames). Both order entries by (tier, HMAC key under the seed), so one published seed and one key
function explain every draw the city runs.

Seats (``allocate``):

Every applicant gets a key, HMAC-SHA256(seed, registration id). Applicants are ordered by
(tier, key): tiers first, and within a tier by key, which for a secret random seed is a uniform
random order. Seats are then given in that order to each applicant whose party still fits; the
others keep their place in the order (the waiting list). Nothing depends on Python's random
module, so the same seed gives the same result on any machine, in any language.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
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


@dataclass(frozen=True)
class Wish:
    """One ranked wish as the room draw sees it: the wish's id, who made it (``holder``: the
    application), its rank (``tier``, 1 = first choice) and the item wanted (a frame, as text).
    ``capped_with`` names the holders that share one cap (one group registered under several names);
    0 means the holder alone."""

    id: int
    holder: int
    tier: int
    item: str
    capped_with: int = 0

    @property
    def cap_key(self) -> int:
        return self.capped_with or self.holder


def allocate_items(wishes: Sequence[Wish], *, seed: str, cap_per_holder: int, taken: Iterable[str] = ()) -> Allocation:
    """Give each item at most once, and each holder at most ``cap_per_holder`` items.

    Holders are put in one random order by their key under ``seed`` (the key of the holder, not of
    each wish, so a holder's first choices all come before anyone's second choices but no holder is
    favoured twice). Wishes are then taken rank by rank, in that order: first choices first, then
    second choices, and so on. A wish wins when its item is neither ``taken`` (held before the draw)
    nor given to an earlier wish, and its holder (with the holders it shares a cap with) has fewer than
    the cap; the others lose.
    """
    ranked = sorted(wishes, key=lambda w: (w.tier, draw_key(seed, w.holder), w.holder, w.id))
    given = set(taken)
    counts: dict[int, int] = {}
    winners: list[int] = []
    rest: list[int] = []
    for wish in ranked:
        if wish.item not in given and counts.get(wish.cap_key, 0) < cap_per_holder:
            given.add(wish.item)
            counts[wish.cap_key] = counts.get(wish.cap_key, 0) + 1
            winners.append(wish.id)
        else:
            rest.append(wish.id)
    return Allocation(ranking=tuple(w.id for w in ranked), winners=tuple(winners), rest=tuple(rest))


# --- re-checking draws of any kind -----------------------------------------------------------------


@dataclass(frozen=True)
class Recheck:
    """What ``manabiba lottery_verify`` prints for one draw run again from its stored inputs."""

    description: str
    matches: bool
    problems: list[str]


Rechecker = Callable[[int], Recheck | None]
"""``rechecker(draw_id)`` → the draw run again, or None when there is no such draw."""

_recheckers: dict[str, Rechecker] = {}


def lottery_recheck_register(kind: str, rechecker: Rechecker) -> None:
    """An app whose draws ``lottery_verify --kind <kind>`` re-checks (registered in ``ready()``)."""
    _recheckers[kind] = rechecker


def lottery_recheckers() -> dict[str, Rechecker]:
    return dict(_recheckers)
