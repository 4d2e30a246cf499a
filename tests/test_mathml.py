"""Math is rendered to MathML at build time; bad TeX names the page and line."""

import pytest

from docbuild.mathml import MathError, render_math


def test_inline_and_display_math_become_mathml():
    html = (
        '<p>Model <span class="arithmatex">\\(\\hat{y} = x \\cdot \\omega\\)</span>.</p>\n'
        '<div class="arithmatex">\\[\\frac{1}{N}\\sum_{n=1}^{N} (\\hat{y}_n - y_n)^2 &lt; 1\\]</div>'
    )
    out = render_math(html)
    assert "arithmatex" not in out
    assert out.count("<math") == 2
    assert 'display="inline"' in out and 'display="block"' in out
    assert "<mfrac>" in out and "&#x0003C;" in out  # &lt; was unescaped before converting


def test_pages_without_math_are_unchanged():
    assert render_math("<p>no math</p>") == "<p>no math</p>"


def test_bad_tex_names_file_and_line(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# T\n\nsome text\n$\\frac{1}{$ oops\n")
    html = '<span class="arithmatex">\\(\\frac{1}{\\)</span>'
    with pytest.raises(MathError, match=r"page\.md:4: cannot render math"):
        render_math(html, page)


def test_operator_names_are_set_apart_from_their_neighbours():
    out = render_math('<span class="arithmatex">\\(-y \\log \\hat{y} + \\exp(z)\\)</span>')
    assert "<mi>log</mi>" not in out and "<mi>exp</mi>" not in out
    assert '<mo lspace="0.1667em" rspace="0.1667em">log</mo><mo>&#x2061;</mo>' in out
    assert "<mi>y</mi>" in out  # single letters stay identifiers
