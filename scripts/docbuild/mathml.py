"""Math rendered at build time: arithmatex's TeX becomes MathML, so pages load no math script.

`pymdownx.arithmatex` (generic mode) wraps `$...$` in `<span class="arithmatex">\\(...\\)</span>`
and `$$...$$` in `<div class="arithmatex">\\[...\\]</div>`; this module replaces each with the
MathML that browsers render natively.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from latex2mathml.converter import convert

_INLINE = re.compile(r'<span class="arithmatex">\\\((.+?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.+?)\\\]</div>', re.S)


# latex2mathml writes `\log x` as <mi>log</mi><mi>x</mi>, which browsers set as "logx" glued to
# its neighbours ("ylogŷ"). TeX puts a thin space around such operator names; MathML says the
# same with an operator (<mo>) and, before its argument, the invisible function application.
_FUNCTION = re.compile(r"<mi>(log|ln|exp|sin|cos|tan|tanh|max|min|arg|det|lim|sup|inf)</mi>")
_OPERATOR = r'<mo lspace="0.1667em" rspace="0.1667em">\1</mo><mo>&#x2061;</mo>'


class MathError(ValueError):
    """TeX that could not be converted; the message names the Markdown file and line."""


def render_math(page_html: str, source: Path | None = None) -> str:
    def replace(match: re.Match, display: str) -> str:
        tex = html.unescape(match.group(1)).strip()
        try:
            mathml = convert(tex, display=display)
        except Exception as err:
            raise MathError(f"{_where(source, tex)}: cannot render math {tex!r}: {err}") from err
        mathml = _FUNCTION.sub(_OPERATOR, mathml)
        if display == "block":
            return f'<div class="math-display">{mathml}</div>'
        return mathml

    page_html = _BLOCK.sub(lambda m: replace(m, "block"), page_html)
    return _INLINE.sub(lambda m: replace(m, "inline"), page_html)


def _where(source: Path | None, tex: str) -> str:
    if source is None:
        return "<unknown page>"
    probe = tex.splitlines()[0].strip()
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if probe in line:
            return f"{source}:{number}"
    return str(source)
