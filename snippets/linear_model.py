"""Chapter 02, the linear model: predict a score from hours studied.

The model is ``y_hat = x * w``; its quality is measured by the mean squared
error (MSE) over the training set, and the best weight is found by trying
every ``w`` on a grid (exhaustive search). The exercise adds a bias,
``y_hat = x * w + b``, and computes the MSE over a whole ``(w, b)`` grid at
once with NumPy broadcasting (chapter 04 does the same with PyTorch, see
:func:`snippets.back_propagation.mse_surface_torch`).
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Sequence

import numpy as np
# --8<-- [end:imports]

# --8<-- [start:model]
# Training set: hours studied -> exam score.
X_DATA = [1.0, 2.0, 3.0]
Y_DATA = [2.0, 4.0, 6.0]


def forward(x: float, w: float) -> float:
    """Predict with the linear model ``y_hat = x * w``.

    Parameters
    ----------
    x
        The input (hours studied).
    w
        The weight of the model.

    Returns
    -------
    float
        The prediction ``y_hat``.
    """
    return x * w


def loss(x: float, y: float, w: float) -> float:
    """Squared error of one sample: ``(y_hat - y) ** 2``.

    Parameters
    ----------
    x
        The input of one training sample.
    y
        Its true output.
    w
        The weight of the model.

    Returns
    -------
    float
        The loss of this sample.
    """
    y_hat = forward(x, w)
    return (y_hat - y) ** 2
# --8<-- [end:model]


# --8<-- [start:cost]
def mse(
    w: float,
    x_data: Sequence[float] = X_DATA,
    y_data: Sequence[float] = Y_DATA,
) -> float:
    """Mean squared error (the cost) of the weight ``w`` over a data set.

    Parameters
    ----------
    w
        The weight of the model.
    x_data
        The inputs, N values.
    y_data
        The true outputs, N values.

    Returns
    -------
    float
        The sum of the N losses, divided by N.
    """
    total = 0.0
    for x, y in zip(x_data, y_data, strict=True):
        total += loss(x, y, w)
    return total / len(x_data)  # divide by N, not by a hard-coded 3
# --8<-- [end:cost]


# --8<-- [start:grid]
def grid(start: float, stop: float, step: float) -> np.ndarray:
    """Values from ``start`` to ``stop`` (both included), ``step`` apart.

    ``np.linspace`` fixes the number of points (no surprise extra endpoint
    as with a float ``np.arange``); rounding removes float noise such as
    ``0.30000000000000004``.

    Parameters
    ----------
    start
        The first value.
    stop
        The last value.
    step
        The spacing; ``(stop - start) / step`` should be a whole number.

    Returns
    -------
    numpy.ndarray
        ``round((stop - start) / step) + 1`` values.
    """
    count = round((stop - start) / step) + 1
    return np.linspace(start, stop, count).round(10)
# --8<-- [end:grid]


# --8<-- [start:search]
def exhaustive_search(
    ws: Sequence[float] | None = None,
    x_data: Sequence[float] = X_DATA,
    y_data: Sequence[float] = Y_DATA,
) -> list[tuple[float, float]]:
    """Try every weight in ``ws``; return the table of ``(w, MSE)`` pairs.

    Parameters
    ----------
    ws
        The weights to try; by default ``grid(0.0, 4.0, 0.1)``, that is
        0.0, 0.1, ..., 4.0.
    x_data
        The inputs of the training set.
    y_data
        Their true outputs.

    Returns
    -------
    list of (float, float)
        One ``(w, mse(w))`` pair per weight, in the order of ``ws``.
    """
    if ws is None:
        ws = grid(0.0, 4.0, 0.1)
    return [(float(w), mse(float(w), x_data, y_data)) for w in ws]
# --8<-- [end:search]


# --8<-- [start:plot-curve]
def plot_mse_curve(ax, table, xlabel: str = "w", ylabel: str = "MSE"):
    """Draw MSE against w and mark the smallest value.

    Parameters
    ----------
    ax
        A matplotlib Axes.
    table
        ``(w, MSE)`` pairs, as returned by :func:`exhaustive_search`.
    xlabel
        Label of the horizontal axis.
    ylabel
        Label of the vertical axis.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``, for chaining.
    """
    ws = [w for w, _ in table]
    costs = [cost for _, cost in table]
    best_w, best_mse = min(table, key=lambda row: row[1])
    ax.plot(ws, costs, marker=".", markersize=5)
    ax.plot([best_w], [best_mse], "o", color="crimson", markersize=9)
    ax.annotate(f"w = {best_w:.1f}, MSE = {best_mse:.1f}",
                (best_w, best_mse), xytext=(0, 30),
                textcoords="offset points", ha="center",
                arrowprops={"arrowstyle": "->", "color": "crimson"})
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax
# --8<-- [end:plot-curve]


# --8<-- [start:model-wb]
# Exercise data: the points lie on y = 2x + 1.
X_EXERCISE = [1.0, 2.0, 3.0]
Y_EXERCISE = [3.0, 5.0, 7.0]


def forward_wb(x: float, w: float, b: float) -> float:
    """Predict with the model ``y_hat = x * w + b``.

    Parameters
    ----------
    x
        The input.
    w
        The weight.
    b
        The bias.

    Returns
    -------
    float
        The prediction.
    """
    return x * w + b


def mse_wb(
    w: float,
    b: float,
    x_data: Sequence[float] = X_EXERCISE,
    y_data: Sequence[float] = Y_EXERCISE,
) -> float:
    """MSE of ``y_hat = x * w + b`` over a data set, one sample at a time.

    Parameters
    ----------
    w
        The weight.
    b
        The bias.
    x_data
        The inputs.
    y_data
        The true outputs.

    Returns
    -------
    float
        The MSE.
    """
    total = 0.0
    for x, y in zip(x_data, y_data, strict=True):
        total += (forward_wb(x, w, b) - y) ** 2
    return total / len(x_data)
# --8<-- [end:model-wb]


# --8<-- [start:surface]
def mse_surface(
    W: np.ndarray,
    B: np.ndarray,
    x_data: Sequence[float] = X_EXERCISE,
    y_data: Sequence[float] = Y_EXERCISE,
) -> np.ndarray:
    """MSE of ``y_hat = x * w + b`` at every grid point, without a loop.

    Parameters
    ----------
    W
        The weight of every grid point, e.g. from ``np.meshgrid``.
    B
        The bias of every grid point, same shape as ``W``: grid point
        ``[i, j]`` is ``(W[i, j], B[i, j])``.
    x_data
        The inputs, N samples.
    y_data
        The true outputs.

    Returns
    -------
    numpy.ndarray
        An array of the shape of ``W``: the MSE at each grid point.
    """
    x = np.asarray(x_data, dtype=float)  # shape (N,)
    y = np.asarray(y_data, dtype=float)
    # A new last axis lets every grid point meet all N samples:
    # (rows, cols, 1) * (N,) -> (rows, cols, N)
    y_hat = W[..., np.newaxis] * x + B[..., np.newaxis]
    return ((y_hat - y) ** 2).mean(axis=-1)  # average over the samples
# --8<-- [end:surface]


# --8<-- [start:minimum]
def grid_minimum(W, B, Z) -> tuple[float, float, float]:
    """The grid point with the smallest MSE.

    Parameters
    ----------
    W
        The weight of every grid point.
    B
        The bias of every grid point (same shape).
    Z
        The MSE of every grid point (same shape).

    Returns
    -------
    tuple of float
        ``(w, b, mse)`` at the minimum.
    """
    # argmin counts in the flattened array; unravel_index -> (row, col)
    i, j = np.unravel_index(np.argmin(Z), Z.shape)
    return float(W[i, j]), float(B[i, j]), float(Z[i, j])
# --8<-- [end:minimum]


# --8<-- [start:plot-surface]
def plot_surface(ax, W, B, Z, xlabel="w", ylabel="b", zlabel="MSE"):
    """Draw the MSE surface on a 3D Axes and mark its lowest grid point.

    Parameters
    ----------
    ax
        An Axes made with ``projection="3d"``.
    W
        The weight of every grid point (from ``np.meshgrid``).
    B
        The bias of every grid point.
    Z
        The MSE of every grid point.
    xlabel
        Label of the w axis.
    ylabel
        Label of the b axis.
    zlabel
        Label of the vertical axis.

    Returns
    -------
    mpl_toolkits.mplot3d.art3d.Poly3DCollection
        The surface (for a colour bar).
    """
    ax.computed_zorder = False  # draw in call order: marker over surface
    surface = ax.plot_surface(W, B, Z, cmap="viridis", rstride=2,
                              cstride=2, linewidth=0.2,
                              edgecolor="white", alpha=0.85)
    w, b, z = grid_minimum(W, B, Z)
    ax.scatter([w], [b], [z], color="crimson", s=50, depthshade=False)
    ax.text(w, b, z + 8, f"w={w:g}, b={b:g}", color="crimson",
            ha="center", bbox={"boxstyle": "round", "facecolor": "white",
                               "edgecolor": "crimson"})
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_zlabel(zlabel)
    ax.view_init(elev=30, azim=-60)  # the viewing angle, in degrees
    return surface


def plot_contour(ax, W, B, Z, xlabel="w", ylabel="b"):
    """Draw the MSE surface from above as contours; mark its lowest point.

    Parameters
    ----------
    ax
        A 2D matplotlib Axes.
    W
        The weight of every grid point.
    B
        The bias of every grid point.
    Z
        The MSE of every grid point.
    xlabel
        Label of the w axis.
    ylabel
        Label of the b axis.

    Returns
    -------
    matplotlib.contour.QuadContourSet
        The filled contours (for a colour bar).
    """
    from matplotlib.colors import BoundaryNorm

    levels = [0, 0.5, 1, 2, 4, 8, 16, 32, 64]
    # one distinct colour per band, although the levels are not evenly spaced
    norm = BoundaryNorm(levels, ncolors=256, extend="max")
    filled = ax.contourf(W, B, Z, levels=levels, cmap="viridis", norm=norm,
                         extend="max")
    ax.contour(W, B, Z, levels=levels, colors="white", linewidths=0.5)
    w, b, _ = grid_minimum(W, B, Z)
    ax.plot([w], [b], "o", color="crimson")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return filled
# --8<-- [end:plot-surface]


# --8<-- [start:plot-grid]
def plot_grid_points(ax, X, Y):
    """Draw the points of a meshgrid, each labelled with its ``[i, j]``.

    Parameters
    ----------
    ax
        A matplotlib Axes.
    X
        The x coordinate of every point, from ``np.meshgrid``.
    Y
        The y coordinate of every point.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.
    """
    ax.plot(X, Y, "o", color="tab:blue", markersize=9)
    rows, cols = X.shape
    for i in range(rows):
        for j in range(cols):
            label = f"[{i}, {j}]\n({X[i, j]:g}, {Y[i, j]:g})"
            ax.annotate(label, (X[i, j], Y[i, j]), xytext=(0, 10),
                        textcoords="offset points", ha="center")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    return ax
# --8<-- [end:plot-grid]


# --8<-- [start:plot-dots]
def plot_dots(ax, X, Y):
    """Draw every point of a meshgrid as a dot, with no line between them.

    ``ax.plot`` with two 2-D arrays draws one line per column; an empty
    ``linestyle`` keeps only the markers.

    Parameters
    ----------
    ax
        A matplotlib Axes.
    X
        The x coordinate of every point, from ``np.meshgrid``.
    Y
        The y coordinate of every point.

    Returns
    -------
    list of matplotlib.lines.Line2D
        One line (of dots) per column of ``X``.
    """
    lines = ax.plot(X, Y, color="limegreen", marker=".", linestyle="")
    ax.grid(True)  # grid lines at the axis ticks, not through the points
    return lines
# --8<-- [end:plot-dots]
