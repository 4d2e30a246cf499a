"""Tests of snippets/gradient_descent.py (chapter 03), including the claims its page makes."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from snippets import gradient_descent as gd  # noqa: E402

XS, YS = gd.X_DATA, gd.Y_DATA


def test_data_lie_on_y_equals_2x():
    assert list(XS) == [1.0, 2.0, 3.0]
    assert list(YS) == [2.0, 4.0, 6.0]
    assert gd.best_weight() == 2.0


def test_model_loss_cost_and_gradient_by_hand():
    assert gd.forward(4.0, 1.0) == 4.0
    assert gd.loss(3.0, 6.0, 1.0) == 9.0
    assert gd.cost(XS, YS, 1.0) == pytest.approx(14 / 3)  # (1 + 4 + 9) / 3
    assert gd.cost(XS, YS, 2.0) == 0.0
    assert gd.sample_gradient(3.0, 6.0, 1.0) == -18.0
    assert gd.gradient(XS, YS, 1.0) == pytest.approx(-28 / 3)  # mean of -2x^2
    assert gd.gradient(XS, YS, 2.0) == 0.0


@pytest.mark.parametrize("w", [-1.0, 0.5, 1.0, 2.5, 4.0])
def test_gradient_matches_a_finite_difference(w):
    h = 1e-6
    slope = (gd.cost(XS, YS, w + h) - gd.cost(XS, YS, w - h)) / (2 * h)
    assert gd.gradient(XS, YS, w) == pytest.approx(slope, rel=1e-6)


def test_train_gd_history_pairs_each_weight_with_its_cost():
    h = gd.train_gd(w=1.0, lr=0.01, epochs=100)
    assert len(h.w) == len(h.cost) == len(h.steps) == 101
    assert h.steps == h.w
    for w, c in zip(h.w, h.cost):
        assert c == gd.cost(XS, YS, w)
    assert h.w[1] == pytest.approx(1.0 + 0.01 * 28 / 3)
    # the numbers the page quotes
    assert f"{gd.forward(4, h.w[-1]):.4f}" == "7.9998"
    assert f"{h.w[-1]:.6f}" == "1.999944"
    assert all(a > b for a, b in zip(h.cost, h.cost[1:]))  # lr = 0.01 decreases the cost


def test_train_gd_does_not_touch_a_global_w():
    gd.train_gd()
    assert not hasattr(gd, "w")


def test_train_sgd_history_and_the_notes_loss():
    s = gd.train_sgd(w=1.0, lr=0.01, epochs=100)
    assert len(s.w) == len(s.cost) == 101
    assert len(s.steps) == 301  # 3 updates per epoch
    assert len(s.last_loss) == 100
    assert s.w == s.steps[::3]
    for k, last in enumerate(s.last_loss):
        assert last == gd.loss(3.0, 6.0, s.w[k + 1])  # after the last sample's update
    # on y = 2x: loss_3 = 9 (w - 2)^2 and cost = 14/3 (w - 2)^2, so the ratio is 27/14 (checked
    # while w - 2 is far above rounding error; later both numbers are dominated by it)
    for k in range(40):
        assert s.last_loss[k] / s.cost[k + 1] == pytest.approx(27 / 14, rel=1e-6)
    assert f"{27 / 14:.4f}" == "1.9286"


def test_sgd_contracts_by_the_product_of_per_sample_factors():
    s = gd.train_sgd(epochs=1)
    factor = (1 - 0.02 * 1) * (1 - 0.02 * 4) * (1 - 0.02 * 9)
    assert factor == pytest.approx(0.739312)
    assert (s.w[1] - 2) == pytest.approx(factor * (s.w[0] - 2))


def test_minibatch_generalises_gd_and_sgd_exactly():
    assert gd.train_minibatch(3) == gd.train_gd()
    sgd = gd.train_sgd()
    mini = gd.train_minibatch(1)
    assert (mini.w, mini.cost, mini.steps) == (sgd.w, sgd.cost, sgd.steps)
    two = gd.train_minibatch(2, epochs=5)
    assert len(two.steps) == 1 + 5 * 2  # batches [1, 2] and [3]


@pytest.mark.parametrize("batch_size", [0, 4, -1])
def test_minibatch_rejects_impossible_batch_sizes(batch_size):
    with pytest.raises(ValueError, match="batch_size must be between 1 and 3"):
        gd.train_minibatch(batch_size)


@pytest.mark.parametrize("lr", [0.001, 0.01, 0.05, 0.2, 0.25])
def test_gd_error_shrinks_by_the_contraction_factor(lr):
    h = gd.train_gd(lr=lr, epochs=10)
    r = gd.contraction_factor(lr)
    for a, b in zip(h.w, h.w[1:]):
        assert b - 2 == pytest.approx(r * (a - 2), rel=1e-9, abs=1e-12)


def test_learning_rate_thresholds():
    assert gd.mean_square() == pytest.approx(14 / 3)
    assert 1 / gd.mean_square() == pytest.approx(3 / 14)  # divergence threshold
    assert gd.contraction_factor(3 / 14) == pytest.approx(-1)
    assert gd.contraction_factor(3 / 28) == pytest.approx(0, abs=1e-12)  # one step to w = 2
    assert gd.train_gd(lr=3 / 28, epochs=1).w[1] == pytest.approx(2.0)
    assert gd.train_gd(lr=0.25, epochs=30).cost[-1] > 1e8  # diverges
    assert gd.train_gd(lr=0.2, epochs=100).cost[-1] < 1e-10  # oscillates, converges
    assert gd.train_gd(lr=0.1, epochs=30).cost[-1] == 0.0  # reaches w = 2 in floating point


def test_noisy_data_sgd_keeps_moving():
    ys = (3.0, 5.0, 7.0)
    best = gd.best_weight(XS, ys)
    assert best == pytest.approx(34 / 14)
    g = gd.train_gd(xs=XS, ys=ys, epochs=300)
    assert g.w[-1] == pytest.approx(best, abs=1e-9)
    s = gd.train_sgd(xs=XS, ys=ys, epochs=300)
    last_epoch = s.steps[-4:]
    assert max(last_epoch) - min(last_epoch) > 0.01  # still moving within an epoch
    assert s.steps[-1] == pytest.approx(s.steps[-4], abs=1e-12)  # but in a fixed cycle
    assert s.cost[-1] > g.cost[-1]


def test_plot_curves_linear_and_log():
    fig, (a, b) = plt.subplots(1, 2)
    try:
        out = gd.plot_curves(a, {"one": [3.0, 2.0, 1.0]}, xlabel="x", ylabel="y")
        assert out is a
        assert a.get_yscale() == "linear"
        assert a.get_xlabel() == "x" and a.get_ylabel() == "y"
        assert list(a.lines[0].get_xdata()) == [0, 1, 2]
        gd.plot_curves(
            b, {"p": [1.0, 0.1], "q": [1.0, 0.5]}, xlabel="x", ylabel="y", log=True,
            styles={"q": "--"},
        )
        assert b.get_yscale() == "log"
        assert [line.get_linestyle() for line in b.lines] == ["-", "--"]
        assert [t.get_text() for t in b.get_legend().get_texts()] == ["p", "q"]
    finally:
        plt.close(fig)


def test_histories_are_frozen():
    h = gd.train_gd(epochs=1)
    with pytest.raises(AttributeError):
        h.w = []  # type: ignore[misc]
    assert math.isclose(h.cost[0], 14 / 3)


def test_smooth_is_an_exponential_moving_average():
    assert gd.smooth([4.0]) == [4.0]  # starts at the first value
    assert gd.smooth([0.0, 10.0, 10.0], beta=0.5) == [0.0, 5.0, 7.5]
    constant = gd.smooth([2.0] * 5, beta=0.9)
    assert constant == pytest.approx([2.0] * 5)
    # a larger beta lags further behind a step from 0 to 1
    step = [0.0] + [1.0] * 20
    assert gd.smooth(step, beta=0.98)[-1] < gd.smooth(step, beta=0.9)[-1] < 1.0


def test_update_losses_and_smoothing_of_disagreeing_samples():
    """The numbers of the page's smoothing example (y = 2x + 1, 40 epochs of SGD)."""
    ys = (3.0, 5.0, 7.0)
    run = gd.train_sgd(w=1.0, lr=0.01, epochs=40, xs=gd.X_DATA, ys=ys)
    raw = gd.update_losses(run.steps, gd.X_DATA, ys)
    assert len(raw) == 120
    assert raw[0] == gd.loss(1.0, 3.0, 1.0) == 4.0  # first sample, at the starting weight
    assert raw[4] == gd.loss(2.0, 5.0, run.steps[4])
    smoothed = gd.smooth(raw, beta=0.9)
    last = raw[-3:]
    assert max(last) / min(last) > 10  # the raw curve jumps by a factor of more than 10
    assert all(abs(v - run.cost[-1]) < 0.02 for v in smoothed[-3:])  # the average stays near the cost
