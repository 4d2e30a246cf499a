"""How every figure looks: the matplotlib settings and the CJK font used for Chinese labels."""

from __future__ import annotations

import io
import re

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


# Words a Chinese figure may show as they are: names of methods, functions and data sets.
TERMS = {
    "SGD", "GD", "MSE", "BCE", "Adam", "Adagrad", "Adamax", "RMSprop", "Rprop", "LBFGS", "ASGD",
    "ReLU", "LeakyReLU", "Sigmoid", "sigmoid", "Tanh", "tanh", "softmax", "Softmax", "logit", "logits",
    "MNIST", "CPU", "GPU", "CUDA", "PyTorch", "NumPy", "log", "exp", "ln", "lr", "sum", "mean", "max",
    "min", "std", "ŷ",
}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _words(text: str) -> list[str]:
    """English words of a figure text, leaving out math, code-like names and the TERMS."""
    text = re.sub(r"\$[^$]*\$", " ", text)
    text = re.sub(r"\b\w+\s*(?=[=(\[])", " ", text)  # lr = ..., cost(w), x[0]
    words = re.findall(r"(?<![\w.])[A-Za-z]{2,}(?![\w.])", text)
    # Class names and acronyms (BCELoss, MSE) are code, not prose: two capitals or more.
    return [w for w in words if w not in TERMS and sum(c.isupper() for c in w) < 2]


def wrong_language(fig, lang: str) -> list[str]:
    """The texts of a figure that are not in its language: English words on a zh figure (with no
    Chinese at all in the same text), Chinese on an en figure."""
    from matplotlib.text import Text

    found = []
    for artist in fig.findobj(Text):
        text = artist.get_text().strip()
        if not text or not artist.get_visible():
            continue
        if lang == "zh" and not _CJK.search(text) and _words(text):
            found.append(text)
        if lang != "zh" and _CJK.search(text):
            found.append(text)
    return found


def render_png(draw, data, labels: dict, lang: str) -> bytes:
    """Draw one figure with the language's fonts and return deterministic PNG bytes.

    A text in the other language (an untranslated label) is an error naming the text.
    """
    with plt.rc_context(rc_params(lang)):
        fig = draw(data, labels)
        try:
            wrong = wrong_language(fig, lang)
            if wrong:
                raise ValueError(f"the {lang} figure shows text in another language: "
                                 + "; ".join(repr(t) for t in wrong[:5]) + " (translate its labels)")
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
        finally:
            plt.close(fig)
    return buffer.getvalue()
