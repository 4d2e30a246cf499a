"""docbuild.outputs: when a printed output matches the shown one."""

from __future__ import annotations

import pytest

from docbuild import outputs

SHOWN = "y = -0.0005 + 0.8571 x + (-0.0930) x^3\nloss: 73111.3 -> 8.88 after 2000 steps, 6.54e-07\n"


def test_exact_unless_approximate():
    near = SHOWN.replace("0.8571", "0.8573")
    assert outputs.agree(SHOWN, SHOWN) and not outputs.agree(SHOWN, near)
    assert outputs.agree(SHOWN, near, approximate=True)


@pytest.mark.parametrize(("shown", "printed"), [
    ("0.8571", "0.8573"),  # 2 in the last digit
    ("8.88", "8.93"),  # within 1%
    ("6.54e-07", "6.55e-07"),
    ("0.0001", "0.0002"),
])
def test_numbers_may_differ_in_the_last_digits(shown, printed):
    assert outputs.agree(f"value {shown}\n", f"value {printed}\n", approximate=True)


@pytest.mark.parametrize(("shown", "printed"), [
    ("0.8571", "0.8671"),  # 1.2%, 100 in the last digit
    ("8.88", "9.00"),  # 1.3%
    ("0.0005", "-0.0005"),  # another sign
    ("2000 steps", "2001 steps"),  # integers are exact
    ("ohlol", "ohlll"),  # text is exact
    ("1.0 2.0", "1.0"),  # as many numbers
])
def test_other_differences_fail(shown, printed):
    assert not outputs.agree(f"value {shown}\n", f"value {printed}\n", approximate=True)
