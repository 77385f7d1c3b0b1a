"""Whether a programme still has places, as told by the app that takes applications.

``programs`` sits below ``registrations`` in the layering and cannot ask it directly, yet its
structured data must say "sold out" when the seats are taken. ``registrations`` registers the one
question it answers (from its ``AppConfig.ready()``); with nothing registered, nothing is full.
"""

from collections.abc import Callable

from manabiba.programs.models import Program

SeatsFree = Callable[[Program], int | None]

_seats_free: list[SeatsFree] = []


def seats_free_register(provider: SeatsFree) -> None:
    """Register how to count a programme's free places (``None``: no limit)."""
    if provider not in _seats_free:
        _seats_free.append(provider)


def program_is_full(program: Program) -> bool:
    return any(provider(program) == 0 for provider in _seats_free)
