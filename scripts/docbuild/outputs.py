"""When what a block printed matches the output its page shows.

Exactly, as a rule: the course's numeric mode (`docbuild.numerics`) makes most runs print the
same digits on every x86-64 processor. A few runs amplify the last-bit differences that remain
between processors (RMSprop or Adam near an optimum, where each step overshoots): their output
is marked `<!--output-approximate reason="..."-->` next to `<!--pytest-codeblocks:expected-output-->`.
There every number with a fractional part or an exponent may differ from the shown one by 1%
or by 2 in its last digit, whichever is more; integers and all other text must match exactly.
"""

from __future__ import annotations

import math
import re

from docbuild.pages import Fence

APPROXIMATE = "output-approximate"
REL_TOL = 0.01  # 1%
LAST_DIGITS = 2  # or 2 in the last digit shown
_NUMBER = re.compile(r"([-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?)")


def _last_digit(number: str) -> float:
    """The value of one unit in the last digit written: '0.8571' -> 1e-4, '6.54e-07' -> 1e-9."""
    mantissa, _, exponent = number.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    return 10.0 ** (int(exponent or 0) - decimals)


def _is_integer(number: str) -> bool:
    return "." not in number and "e" not in number.lower()


def _close(shown: str, printed: str) -> bool:
    if _is_integer(shown) or _is_integer(printed):
        return shown == printed
    a, b = float(shown), float(printed)
    unit = max(_last_digit(shown), _last_digit(printed))
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=LAST_DIGITS * unit)


def matches(output: Fence, printed: str) -> bool:
    """Does `printed` match the shown `output` fence (approximately, where it is marked so)?"""
    return agree(output.body, printed, approximate=output.marker(APPROXIMATE) is not None)


def agree(shown: str, printed: str, approximate: bool = False) -> bool:
    """Does `printed` match `shown`: exactly, or (approximate) up to the last digits of numbers?"""
    if shown == printed or not approximate:
        return shown == printed
    want, got = _NUMBER.split(shown), _NUMBER.split(printed)
    if len(want) != len(got):
        return False
    # re.split with a group: text at even positions, numbers at odd ones
    return all(w == g if i % 2 == 0 else _close(w, g) for i, (w, g) in enumerate(zip(want, got)))
