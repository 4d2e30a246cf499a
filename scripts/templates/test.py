"""Tests of snippets/{module}.py (chapter {number:02d})."""

from __future__ import annotations

import pytest

from snippets import {module} as chapter


def test_example_multiplies_by_the_weight():
    assert chapter.example(3.0) == pytest.approx(6.0)
    assert chapter.example(3.0, w=0.5) == pytest.approx(1.5)
