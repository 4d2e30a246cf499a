"""Figures of chapter {number:02d} ({en_title})."""

from __future__ import annotations

from docbuild.figures import Figure
from snippets import {module} as chapter


def _compute(device):
    """The expensive part, once per build (train here; wrap long runs in docbuild.runs.cached)."""
    xs = [0.5 * i for i in range(9)]
    return xs, [chapter.example(x) for x in xs]


def _draw(data, t):
    import matplotlib.pyplot as plt

    xs, ys = data
    fig, ax = plt.subplots(figsize=(6, 3.6), layout="constrained")
    ax.plot(xs, ys, marker="o")
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    return fig


FIGURES = [
    Figure(name="example", compute=_compute, draw=_draw,
           labels={{"zh": {{"x": "输入 x", "y": "预测值", "title": "示例"}},
                   "en": {{"x": "input x", "y": "prediction", "title": "The example"}}}}),
]
