"""Tests of snippets/linear_model.py (chapter 02)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from snippets import linear_model as lm  # noqa: E402


def test_data_sets():
    assert lm.X_DATA == [1.0, 2.0, 3.0] and lm.Y_DATA == [2.0, 4.0, 6.0]
    assert [2 * x + 1 for x in lm.X_EXERCISE] == lm.Y_EXERCISE


def test_forward_and_loss():
    assert lm.forward(4.0, 2.0) == 8.0
    assert lm.loss(3.0, 6.0, 3.0) == 9.0  # (9 - 6) ** 2
    assert lm.loss(1.0, 2.0, 2.0) == 0.0


def test_mse_divides_by_the_number_of_samples():
    assert lm.mse(3.0) == pytest.approx(14 / 3)  # (1 + 4 + 9) / 3
    assert lm.mse(0.0, [2.0], [1.0]) == 1.0
    assert lm.mse(1.0, [1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 2.0]) == 1.0  # N = 4


def test_mse_rejects_data_of_different_lengths():
    with pytest.raises(ValueError):
        lm.mse(1.0, [1.0, 2.0], [1.0])


def test_grid_has_clean_values_and_both_ends():
    ws = lm.grid(0.0, 4.0, 0.1)
    assert len(ws) == 41 and ws[0] == 0.0 and ws[-1] == 4.0
    assert ws[3] == 0.3 and repr(float(ws[6])) == "0.6"
    assert np.array_equal(ws, np.arange(41) / 10)
    bs = lm.grid(-2.0, 4.0, 0.1)
    assert len(bs) == 61 and 0.0 in bs and 1.0 in bs
    assert lm.grid(1.0, 1.2, 0.1).tolist() == [1.0, 1.1, 1.2]  # float arange gives 4 values


def test_exhaustive_search_default_grid():
    table = lm.exhaustive_search()
    assert len(table) == 41
    assert all(type(w) is float and type(m) is float for w, m in table)
    assert table[0] == (0.0, pytest.approx(56 / 3))
    assert min(table, key=lambda row: row[1]) == (2.0, 0.0)
    # The curve is the parabola 14/3 (w - 2)^2.
    for w, m in table:
        assert m == pytest.approx(14 / 3 * (w - 2) ** 2, abs=1e-12)


def test_exhaustive_search_custom_grid_and_data():
    assert lm.exhaustive_search([1.0, 3.0], [1.0], [3.0]) == [(1.0, 4.0), (3.0, 0.0)]


def test_model_with_bias():
    assert lm.forward_wb(3.0, 2.0, 1.0) == 7.0
    assert lm.mse_wb(2.0, 1.0) == 0.0
    assert lm.mse_wb(2.0, 0.0) == 1.0
    assert lm.mse_wb(0.0, 0.0) == pytest.approx(83 / 3)  # (9 + 25 + 49) / 3


def _grid():
    ws = lm.grid(0.0, 4.0, 0.1)
    bs = lm.grid(-2.0, 4.0, 0.1)
    W, B = np.meshgrid(ws, bs)
    return ws, bs, W, B


def test_mse_surface_matches_the_loop_version():
    ws, bs, W, B = _grid()
    Z = lm.mse_surface(W, B)
    assert Z.shape == (61, 41)  # rows follow b, columns follow w
    for i in (0, 7, 30, 60):
        for j in (0, 13, 20, 40):
            assert Z[i, j] == pytest.approx(lm.mse_wb(ws[j], bs[i]), abs=1e-12)
    assert lm.grid_minimum(W, B, Z) == (2.0, 1.0, 0.0)


def test_mse_surface_without_bias_is_the_search_table():
    ws = lm.grid(0.0, 4.0, 0.1)
    Z = lm.mse_surface(ws, np.zeros_like(ws), lm.X_DATA, lm.Y_DATA)
    assert np.allclose(Z, [m for _, m in lm.exhaustive_search(ws)], atol=1e-12)


def test_reshape_order_of_a_flat_list():
    """The notes' loop order (w outer, b inner) needs reshape(len(w), len(b)).T."""
    ws = [1.0, 2.0, 3.0]
    bs = [0.0, 1.0]
    flat = np.array([lm.mse_wb(w, b) for w in ws for b in bs])
    W, B = np.meshgrid(ws, bs)
    right = flat.reshape(len(ws), len(bs)).T
    assert np.array_equal(right, lm.mse_surface(W, B))
    wrong = flat.reshape(len(bs), len(ws))
    assert lm.grid_minimum(W, B, right)[:2] == (2.0, 1.0)
    assert lm.grid_minimum(W, B, wrong)[:2] == (1.0, 1.0)


def test_plot_mse_curve():
    fig, ax = plt.subplots()
    try:
        assert lm.plot_mse_curve(ax, lm.exhaustive_search(), xlabel="w!", ylabel="cost") is ax
        assert ax.get_xlabel() == "w!" and ax.get_ylabel() == "cost"
        curve, best = ax.get_lines()
        assert len(curve.get_xdata()) == 41
        assert list(best.get_xdata()) == [2.0] and list(best.get_ydata()) == [0.0]
    finally:
        plt.close(fig)


def test_plot_surface_and_contour():
    _, _, W, B = _grid()
    Z = lm.mse_surface(W, B)
    fig = plt.figure()
    try:
        ax3d = fig.add_subplot(1, 2, 1, projection="3d")
        surface = lm.plot_surface(ax3d, W, B, Z)
        assert surface is not None and ax3d.get_zlabel() == "MSE"
        assert ax3d.get_xlabel() == "w" and ax3d.get_ylabel() == "b"
        ax2d = fig.add_subplot(1, 2, 2)
        filled = lm.plot_contour(ax2d, W, B, Z, xlabel="weight", ylabel="bias")
        assert filled.levels[0] == 0 and ax2d.get_xlabel() == "weight"
        (marker,) = ax2d.get_lines()
        assert list(marker.get_xdata()) == [2.0] and list(marker.get_ydata()) == [1.0]
        assert len(fig.axes) == 2
    finally:
        plt.close(fig)


def test_plot_grid_points():
    X, Y = np.meshgrid([0, 1, 2], [0, 1])
    fig, ax = plt.subplots()
    try:
        assert lm.plot_grid_points(ax, X, Y) is ax
        labels = [t.get_text() for t in ax.texts]
        assert len(labels) == 6
        assert labels[1] == "[0, 1]\n(1, 0)" and labels[3] == "[1, 0]\n(0, 1)"
    finally:
        plt.close(fig)


def test_plot_dots_draws_one_line_of_dots_per_column():
    """The notes' 20 x 20 meshgrid picture: 400 dots, no connecting lines."""
    X, Y = np.meshgrid(np.linspace(0, 1000, 20), np.linspace(0, 500, 20))
    fig, ax = plt.subplots()
    try:
        lines = lm.plot_dots(ax, X, Y)
        assert len(lines) == 20
        assert all(len(line.get_xdata()) == 20 and line.get_linestyle() == "None" for line in lines)
        assert {float(x) for x in lines[3].get_xdata()} == {float(X[0, 3])}  # a line is a column
        assert all(line.get_marker() == "." for line in lines)
        assert ax.xaxis.get_gridlines()[0].get_visible()
    finally:
        plt.close(fig)
