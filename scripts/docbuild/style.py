"""How every figure looks: the matplotlib settings and the CJK font used for Chinese labels."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # figures are built headless, at doc-build time

from matplotlib import font_manager  # noqa: E402
from matplotlib import pyplot as plt  # noqa: E402

# Fonts that carry Simplified Chinese glyphs, in order of preference. scripts/setup.sh installs
# the first one (Debian/Ubuntu package fonts-wqy-microhei); the others are found on macOS/Windows.
CJK_FONTS = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
)
DPI = 110


class MissingFontError(RuntimeError):
    pass


def cjk_font() -> tuple[str, str]:
    """(family, file) of the first installed CJK font, or a clear error saying how to get one."""
    for attempt in range(2):
        installed = {f.name: f.fname for f in font_manager.fontManager.ttflist}
        for family in CJK_FONTS:
            if family in installed:
                return family, installed[family]
        if attempt == 0:
            _register_new_system_fonts()
    raise MissingFontError(
        "No CJK font found for the Chinese figure labels. Install one, e.g. "
        "`sudo apt-get install fonts-wqy-microhei` (scripts/setup.sh does this), then delete "
        "matplotlib's font cache (`rm -rf ~/.cache/matplotlib`). Looked for: " + ", ".join(CJK_FONTS)
    )


def _register_new_system_fonts() -> None:
    """matplotlib caches its font list: a font installed after that cache was made is unknown."""
    for path in font_manager.findSystemFonts():
        if any(tag in path.lower() for tag in ("wqy", "cjk", "sourcehan", "pingfang", "msyh", "simhei")):
            font_manager.fontManager.addfont(path)


def rc_params(lang: str) -> dict:
    family = ["DejaVu Sans"]
    if lang == "zh":
        family.append(cjk_font()[0])  # Latin glyphs from DejaVu, Chinese ones from the CJK font
    return {
        "font.family": family,
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": DPI,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "savefig.bbox": "tight",
    }


def render_png(draw, data, labels: dict, lang: str) -> bytes:
    """Draw one figure with the language's fonts and return deterministic PNG bytes."""
    with plt.rc_context(rc_params(lang)):
        fig = draw(data, labels)
        try:
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return buffer.getvalue()
