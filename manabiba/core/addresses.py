"""E-mail addresses in one form, wherever one is stored, looked up or counted.

An address typed with full-width letters (ｈａｎａｋｏ@…), a long s (ſ), a dotless i (ı) or another
case is the same mailbox to the person and, through case-insensitive comparisons such as
PostgreSQL's ``UPPER``, the same account to the database. If the lockout counted it apart, each
look-alike would be a fresh set of guesses at the same password (issue 17, item 2).
"""

import unicodedata
from typing import Any

from django import forms


def normalise_email(address: str) -> str:
    """The address stripped, in Unicode compatibility form (NFKC) and case-folded.

    Letters whose upper case is an ASCII letter (ı → I, ſ → S) become that letter in lower case:
    ``casefold`` keeps the dotless i, while a database comparing in upper case does not.
    """
    folded = unicodedata.normalize("NFKC", address.strip()).casefold()
    if folded.isascii():
        return folded
    return "".join(_ascii_twin(char) for char in folded)


def _ascii_twin(char: str) -> str:
    if char.isascii():
        return char
    upper = char.upper()
    return upper.lower() if len(upper) == 1 and upper.isascii() and upper.isalpha() else char


class NormalisedEmailField(forms.EmailField):
    """An e-mail field whose value is the address in its normal form, checked after normalising:
    an address typed in full-width letters is accepted as the address it stands for."""

    def to_python(self, value: Any) -> str:
        return normalise_email(str(super().to_python(value)))
