"""Figures of chapter 02 (linear model): the MSE curve, two meshgrids, the MSE surface over (w, b)."""

from __future__ import annotations

import numpy as np

from docbuild.figures import Figure
from snippets import linear_model as lm


def _mse_curve(device):
    return lm.exhaustive_search(lm.grid(0.0, 4.0, 0.1))


def _draw_mse_curve(table, t):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    lm.plot_mse_curve(ax, table, xlabel=t["x"], ylabel=t["y"])
    ax.set_title(t["title"])
    return fig


def _meshgrid(device):
    return np.meshgrid([0, 1, 2], [0, 1])


def _draw_meshgrid(data, t):
    import matplotlib.pyplot as plt

    X, Y = data
    fig, ax = plt.subplots(figsize=(5.6, 3.4))
    lm.plot_grid_points(ax, X, Y)
    ax.set_xlim(-0.6, 2.6)
    ax.set_ylim(-0.4, 1.7)
    ax.set_xticks([0, 1, 2])
    ax.set_yticks([0, 1])
    ax.set_title(t["title"])
    return fig


def _dots(device):
    # the notes' example: 20 points along each axis
    return np.meshgrid(np.linspace(0, 1000, 20), np.linspace(0, 500, 20))


def _draw_dots(data, t):
    import matplotlib.pyplot as plt

    X, Y = data
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    lm.plot_dots(ax, X, Y)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(t["title"])
    return fig


def _surface(device):
    ws = lm.grid(0.0, 4.0, 0.1)
    bs = lm.grid(-2.0, 4.0, 0.1)
    W, B = np.meshgrid(ws, bs)
    Z = lm.mse_surface(W, B)  # NumPy only: chapter 04 computes the same surface with PyTorch
    return W, B, Z


def _draw_surface(data, t):
    import matplotlib.pyplot as plt

    W, B, Z = data
    fig = plt.figure(figsize=(6.4, 5.0))
    ax = fig.add_subplot(projection="3d")
    lm.plot_surface(ax, W, B, Z, xlabel=t["w"], ylabel=t["b"], zlabel=t["z"])
    ax.set_xticks([0, 1, 2, 3, 4])
    ax.set_yticks([-2, 0, 2, 4])
    ax.set_title(t["title"])
    return fig


def _draw_contour(data, t):
    import matplotlib.pyplot as plt

    W, B, Z = data
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    filled = lm.plot_contour(ax, W, B, Z, xlabel=t["w"], ylabel=t["b"])
    fig.colorbar(filled, ax=ax, label=t["z"])
    ax.set_title(t["title"])
    return fig


FIGURES = [
    Figure(
        name="mse-curve",
        compute=_mse_curve,
        draw=_draw_mse_curve,
        labels={
            "zh": {"x": "权重 w", "y": "均方误差 MSE", "title": "穷举法：每个 w 的 MSE"},
            "en": {
                "x": "weight w",
                "y": "mean squared error (MSE)",
                "title": "Exhaustive search: MSE of every w",
            },
        },
    ),
    Figure(
        name="meshgrid-points",
        compute=_meshgrid,
        draw=_draw_meshgrid,
        labels={
            "zh": {"title": "np.meshgrid([0, 1, 2], [0, 1])：[i, j] 与坐标 (x, y)"},
            "en": {"title": "np.meshgrid([0, 1, 2], [0, 1]): index [i, j] and point (x, y)"},
        },
    ),
    Figure(
        name="meshgrid-dots",
        compute=_dots,
        draw=_draw_dots,
        labels={
            "zh": {"title": "20 × 20 的网格点；灰色网格线画在刻度处，并不穿过这些点"},
            "en": {"title": "A 20 × 20 meshgrid; the grey grid lines sit at the ticks, not on the points"},
        },
    ),
    Figure(
        name="mse-surface",
        compute=_surface,
        draw=_draw_surface,
        labels={
            "zh": {"w": "权重 w", "b": "偏置 b", "z": "MSE", "title": "ŷ = x·w + b 的 MSE 曲面"},
            "en": {
                "w": "weight w",
                "b": "bias b",
                "z": "MSE",
                "title": "MSE surface of ŷ = x·w + b",
            },
        },
    ),
    Figure(
        name="mse-contour",
        compute=_surface,
        draw=_draw_contour,
        labels={
            "zh": {"w": "权重 w", "b": "偏置 b", "z": "MSE", "title": "同一曲面的等高线图（俯视）"},
            "en": {
                "w": "weight w",
                "b": "bias b",
                "z": "MSE",
                "title": "The same surface from above (contours)",
            },
        },
    ),
]
