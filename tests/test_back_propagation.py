"""Tests of snippets/back_propagation.py (chapter 04): hand-made backprop agrees with autograd."""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from snippets import back_propagation as bp  # noqa: E402


def test_data_lies_on_y_equals_2x():
    assert list(bp.X_DATA) == [1.0, 2.0, 3.0]
    assert list(bp.Y_DATA) == [2.0, 4.0, 6.0]


def test_worked_example_by_hand():
    step = bp.backprop_by_hand(x=1.0, y=2.0, w=1.0)
    assert step == {
        "y_hat": 1.0, "r": -1.0, "loss": 1.0,
        "dloss_dr": -2.0, "dr_dyhat": 1.0, "dyhat_dw": 1.0, "dyhat_db": 1.0,
        "dloss_dw": -2.0, "dloss_db": -2.0,
    }


def test_exercise_4_1_answer_is_minus_8():
    step = bp.backprop_by_hand(x=2.0, y=4.0, w=1.0)
    assert (step["y_hat"], step["r"], step["loss"]) == (2.0, -2.0, 4.0)
    assert (step["dloss_dr"], step["dr_dyhat"], step["dyhat_dw"]) == (-4.0, 1.0, 2.0)
    assert step["dloss_dw"] == -8.0


def test_exercise_4_2_answers_are_2_and_2():
    step = bp.backprop_by_hand(x=1.0, y=2.0, w=1.0, b=2.0)
    assert (step["y_hat"], step["r"], step["loss"]) == (3.0, 1.0, 1.0)
    assert (step["dloss_dw"], step["dloss_db"]) == (2.0, 2.0)


@pytest.mark.parametrize(
    "x, y, w, b", [(1.0, 2.0, 1.0, 0.0), (2.0, 4.0, 1.0, 0.0), (1.0, 2.0, 1.0, 2.0), (-1.5, 0.3, 0.7, -2.2)]
)
def test_hand_gradients_match_autograd(x, y, w, b):
    step = bp.backprop_by_hand(x, y, w, b)
    wt = torch.tensor(w, requires_grad=True, dtype=torch.float64)
    bt = torch.tensor(b, requires_grad=True, dtype=torch.float64)
    loss = (x * wt + bt - y) ** 2
    loss.backward()
    assert math.isclose(step["loss"], loss.item(), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(step["dloss_dw"], wt.grad.item(), rel_tol=1e-12, abs_tol=1e-12)
    assert math.isclose(step["dloss_db"], bt.grad.item(), rel_tol=1e-12, abs_tol=1e-12)


def test_train_linear_without_epochs_keeps_the_initial_weight():
    w, history = bp.train_linear(epochs=0, w_init=1.0)
    assert w == 1.0
    assert history == []


def test_train_linear_first_epoch_matches_hand_sgd():
    w, history = bp.train_linear(epochs=1)
    # plain-Python SGD with the chapter-03 gradient 2x(xw - y)
    w_ref, losses = 1.0, []
    for x, y in zip(bp.X_DATA, bp.Y_DATA):
        losses.append((x * w_ref - y) ** 2)
        w_ref -= 0.01 * 2 * x * (x * w_ref - y)
    assert w == pytest.approx(w_ref, rel=1e-6)
    assert history[0] == pytest.approx(sum(losses) / 3, rel=1e-6)
    assert round(w, 4) == 1.2607
    assert round(history[0], 4) == 4.0525


def test_train_linear_reaches_w_2():
    w, history = bp.train_linear(epochs=100, lr=0.01, device=torch.device("cpu"))
    assert len(history) == 100
    assert w == pytest.approx(2.0, abs=1e-5)
    assert f"{4 * w:.4f}" == "8.0000"
    assert history[-1] < 1e-9
    assert all(b <= a for a, b in zip(history[:50], history[1:51]))  # decreasing until float32 floor
    assert bp.train_linear(epochs=60)[0] == w  # w has stopped moving: updates below float32 resolution


@pytest.mark.parametrize("point", [(1.0, 2.0), (2.0, 4.0), (3.0, 6.0), (-0.5, 1.25)])
@pytest.mark.parametrize("params", [(1.0, 2.0, 3.0), (0.3, -1.2, 0.5)])
def test_quadratic_hand_gradients_match_autograd(point, params):
    hand = torch.tensor(bp.quadratic_grads_by_hand(*point, *params))
    auto = torch.tensor(bp.quadratic_grads_autograd(*point, *params))
    assert torch.allclose(hand, auto, rtol=1e-5, atol=1e-5)


def test_quadratic_gradients_at_the_notes_initial_values():
    expected = [(8.0, 8.0, 8.0), (56.0, 28.0, 14.0), (216.0, 72.0, 24.0)]
    for (x, y), grads in zip(zip(bp.X_DATA, bp.Y_DATA), expected):
        assert bp.quadratic_grads_by_hand(x, y, 1.0, 2.0, 3.0) == grads
        assert bp.quadratic_grads_autograd(x, y, 1, 2, 3) == grads  # ints are accepted too


def test_train_quadratic_before_and_after_100_epochs():
    (w1, w2, b), history = bp.train_quadratic(epochs=0)
    assert (w1, w2, b) == (1.0, 2.0, 3.0) and history == []
    assert 16 * w1 + 4 * w2 + b == 27.0
    (w1, w2, b), history = bp.train_quadratic(epochs=100, lr=0.01, device="cpu")
    assert len(history) == 100
    assert (round(w1, 4), round(w2, 4), round(b, 4)) == (0.3204, 0.5512, 1.3931)
    assert f"{16 * w1 + 4 * w2 + b:.4f}" == "8.7250"
    assert (round(history[0], 4), round(history[-1], 4)) == (28.9558, 0.0484)


def test_train_quadratic_keeps_moving_toward_the_exact_fit():
    exact = torch.tensor([0.0, 2.0, 0.0])
    p100, h100 = bp.train_quadratic(epochs=100)
    p1000, h1000 = bp.train_quadratic(epochs=1000)
    assert h1000[99] == pytest.approx(h100[-1])  # the same run, continued
    assert h1000[-1] < h100[-1] / 2
    assert torch.dist(torch.tensor(p1000), exact) < torch.dist(torch.tensor(p100), exact)
    # the exact fit: y = 0 * x**2 + 2 * x + 0 passes through all three points
    A = torch.tensor([[x**2, x, 1.0] for x in bp.X_DATA], dtype=torch.float64)
    solution = torch.linalg.solve(A, torch.tensor(bp.Y_DATA, dtype=torch.float64))
    assert torch.allclose(solution, exact.double())


def test_plot_loss_draws_a_log_scale_curve():
    fig, ax = plt.subplots()
    try:
        line = bp.plot_loss(ax, [4.0, 1.0, 0.25], label="run", title="PyTorch")
        assert len(line) == 1
        assert list(line[0].get_xdata()) == [1, 2, 3]
        assert ax.get_yscale() == "log"
        assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("epoch", "loss", "PyTorch")
        bp.plot_loss(ax, [1.0, 0.5], xlabel="x", ylabel="y")
        assert ax.get_title() == "PyTorch"  # no title given: the old one stays
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "y")
    finally:
        plt.close(fig)


def _surface_grid():
    import numpy as np

    from snippets import linear_model as lm

    ws = lm.grid(0.0, 4.0, 0.1)
    bs = lm.grid(-2.0, 4.0, 0.1)
    W, B = np.meshgrid(ws, bs)
    return ws, bs, lm.mse_surface(W, B)


def test_torch_surface_equals_chapter_02s_numpy_surface_on_cpu():
    import numpy as np

    ws, bs, Z = _surface_grid()
    Zt = bp.mse_surface_torch(ws, bs, device=torch.device("cpu"))
    assert isinstance(Zt, np.ndarray) and Zt.shape == (61, 41)  # rows follow b, columns follow w
    assert np.allclose(Zt, Z, atol=1e-12)
    assert Zt[30, 20] == 0.0  # w = 2, b = 1: the line y = 2x + 1


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_torch_surface_on_cuda():  # pragma: no cover - runs only where a GPU exists
    import numpy as np

    ws, bs, Z = _surface_grid()
    assert np.allclose(bp.mse_surface_torch(ws, bs, device="cuda"), Z, atol=1e-9)
