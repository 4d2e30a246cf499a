"""What a page shows for an include: the section's code, docstrings cut to one comment line,
comments translated on Chinese pages."""

from __future__ import annotations

import pytest

from docbuild import includes, program
from docbuild.pages import DOCS

MODULE = '''"""Module docstring (never shown)."""
from __future__ import annotations

# --8<-- [start:imports]
import math
# --8<-- [end:imports]

# --8<-- [start:part]
LIMIT = 3
"""How far to count, documented the way attributes are."""


def double(x: float) -> float:
    """Twice ``x``, see :func:`math.fsum`.

    Parameters
    ----------
    x
        A number.
    """
    return 2 * x  # the whole point


class Box:
    """A box."""
# --8<-- [end:part]
'''


@pytest.fixture
def module(tmp_path, monkeypatch):
    monkeypatch.setattr(includes, "ROOT", tmp_path)
    monkeypatch.setattr(includes, "DOCS", tmp_path / "docs")
    (tmp_path / "snippets").mkdir()
    (tmp_path / "snippets" / "toy.py").write_text(MODULE, encoding="utf-8")
    return tmp_path


def test_docstrings_become_one_comment_line(module):
    shown = includes.render("snippets/toy.py", "part").text
    assert '"""' not in shown and "Parameters" not in shown
    assert "# How far to count, documented the way attributes are.\nLIMIT = 3\n" in shown
    assert "def double(x: float) -> float:\n    # Twice `x`, see `math.fsum`.\n    return 2 * x" in shown
    assert "class Box:\n    # A box.\n    ...\n" in shown  # a body that was only a docstring
    compile(shown, "shown", "exec")


def test_origins_point_at_the_module_lines(module):
    rendered = includes.render("snippets/toy.py", "part")
    lines = rendered.text.splitlines()
    at = lines.index("    return 2 * x  # the whole point")
    assert rendered.origins[at] == ("snippets/toy.py", MODULE.splitlines().index("    return 2 * x  # the whole point") + 1)


def test_chinese_pages_show_translated_comments_and_report_missing_ones(module):
    catalogue = module / "docs" / "zh" / "code-comments"
    catalogue.mkdir(parents=True)
    (catalogue / "toy.yml").write_text("'Twice `x`, see `math.fsum`.': '`x` 的两倍'\nthe whole point: ''\n", encoding="utf-8")
    rendered = includes.render("snippets/toy.py", "part", "zh")
    assert "    # `x` 的两倍\n" in rendered.text
    missing = {comment for _, _, comment in rendered.untranslated}
    assert missing == {"How far to count, documented the way attributes are.", "the whole point", "A box."} - {"A box."}


def test_a_missing_section_or_bad_catalogue_is_an_error_naming_the_file(module):
    with pytest.raises(includes.IncludeError, match=r"snippets/toy.py: no section 'nope'"):
        includes.render("snippets/toy.py", "nope")
    catalogue = module / "docs" / "zh" / "code-comments"
    catalogue.mkdir(parents=True)
    (catalogue / "toy.yml").write_text("key: [unclosed\n", encoding="utf-8")
    with pytest.raises(includes.IncludeError, match=r"toy.yml:\d+: not valid YAML"):
        includes.render("snippets/toy.py", "part", "zh")


def test_a_page_expands_every_include_line():
    expanded = program.expand(DOCS / "en" / "02-linear-model.md")
    assert "--8<--" not in expanded.text and "def exhaustive_search(" in expanded.text
    line = expanded.text.splitlines().index("def exhaustive_search(") + 1
    assert expanded.origin(line)[0] == "snippets/linear_model.py"
