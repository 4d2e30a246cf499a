"""Tests of snippets/logistic_regression.py (chapter 06)."""

from __future__ import annotations

import math

import matplotlib
import pytest
import torch
from torch import nn

from snippets import logistic_regression as lg
from snippets.linear_regression import parameters, predict

matplotlib.use("Agg")


def test_logistic_matches_torch_sigmoid_and_its_properties():
    x = torch.linspace(-10, 10, 101)
    s = lg.logistic(x)
    assert torch.allclose(s, torch.sigmoid(x), atol=1e-7)
    assert lg.logistic(torch.tensor(0.0)).item() == 0.5
    assert torch.allclose(lg.logistic(-x), 1 - s, atol=1e-6)  # symmetry
    assert torch.all((s > 0) & (s < 1))
    slope = s * (1 - s)
    assert slope.max().item() == pytest.approx(0.25)
    assert f"{lg.logistic(torch.tensor(10.0)).item():.6f}" == "0.999955"


def test_bce_by_hand_agrees_with_nn_bceloss():
    y_pred, y = [0.9, 0.2, 0.6, 0.8], [1, 0, 1, 0]
    terms = lg.bce_by_hand(y_pred, y)
    assert [f"{t:.4f}" for t in terms] == ["0.1054", "0.2231", "0.5108", "1.6094"]
    assert terms[0] == pytest.approx(-math.log(0.9))
    assert terms[3] == pytest.approx(-math.log(0.2))
    p, t = torch.tensor(y_pred), torch.tensor(y, dtype=torch.float32)
    assert nn.BCELoss()(p, t).item() == pytest.approx(sum(terms) / 4, rel=1e-6)
    assert nn.BCELoss(reduction="sum")(p, t).item() == pytest.approx(sum(terms), rel=1e-6)


def test_make_data_three_and_four_students():
    x3, y3 = lg.make_data()
    assert x3.shape == (3, 1) and y3.shape == (3, 1)
    assert x3.squeeze(1).tolist() == [1.0, 2.0, 3.0]
    assert y3.squeeze(1).tolist() == [0.0, 0.0, 1.0]
    assert y3.dtype == torch.float32  # BCELoss needs float targets
    x4, y4 = lg.make_data(4)
    assert x4.squeeze(1).tolist() == [1.0, 2.0, 3.0, 4.0]
    assert y4.squeeze(1).tolist() == [0.0, 0.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="3 or 4"):
        lg.make_data(5)


def test_model_is_sigmoid_of_a_linear_layer():
    torch.manual_seed(0)
    model = lg.LogisticRegressionModel()
    x, _ = lg.make_data()
    w, b = parameters(model)
    assert f"{w:.4f} {b:.4f}" == "-0.0075 0.5364"
    with torch.no_grad():
        assert torch.allclose(model(x), torch.sigmoid(x * w + b))
    assert model(x).shape == (3, 1)


def test_training_as_in_the_notes():
    model, history = lg.train_logistic()  # 3 samples, sum, lr 0.01, 1000 epochs
    w, b = parameters(model)
    assert f"{w:.4f} {b:.4f}" == "1.1091 -2.6833"
    assert f"{lg.decision_boundary(model):.4f}" == "2.4195"
    assert len(history["loss"]) == len(history["w"]) == len(history["b"]) == 1000
    assert f"{history['loss'][0]:.4f} {history['loss'][-1]:.4f}" == "2.4485 1.0983"
    assert f"{history['w'][0]:.4f} {history['b'][0]:.4f}" == "-0.0075 0.5364"
    # still falling at the end: far from converged
    assert history["loss"][900] - history["loss"][-1] > 0.05
    assert all(later < earlier for earlier, later in zip(history["loss"], history["loss"][1:]))
    assert [f"{predict(model, h):.4f}" for h in (1.0, 2.0, 3.0, 7.0)] == [
        "0.1716", "0.3857", "0.6556", "0.9938"]


def test_four_samples_with_mean_reduction():
    model, history = lg.train_logistic(samples=4, reduction="mean")
    assert f"{lg.decision_boundary(model):.4f}" == "1.5507"
    assert f"{predict(model, 1.0):.4f} {predict(model, 7.0):.4f}" == "0.4230 0.9558"
    assert predict(model, 2.0) > 0.5  # the 2-hour student (failed) is classified "pass"
    # reduction="sum" is reduction="mean" with N = 4 times the learning rate
    summed = parameters(lg.train_logistic(epochs=200, samples=4, reduction="sum")[0])
    mean4 = parameters(lg.train_logistic(epochs=200, samples=4, reduction="mean", lr=0.04)[0])
    assert summed == pytest.approx(mean4, abs=1e-5)


def test_larger_learning_rate_is_like_more_epochs():
    """lr 0.1 for 1000 epochs lands where lr 0.01 for 10000 epochs does (the page says so)."""
    fast, _ = lg.train_logistic(epochs=1000, lr=0.1)
    slow, _ = lg.train_logistic(epochs=10000, lr=0.01)
    assert f"{parameters(fast)[0]:.4f} {parameters(slow)[0]:.4f}" == "4.0549 4.0531"
    assert f"{lg.decision_boundary(slow):.4f}" == "2.4530"
    assert lg.decision_boundary(fast) == pytest.approx(lg.decision_boundary(slow), abs=1e-3)


def test_boundary_table():
    table = lg.boundary_table(lrs=(0.01, 1.0, 10.0), epochs=1000).splitlines()
    assert table[0].split() == ["lr", "w", "b", "-b/w", "loss"]
    assert table[1].split() == ["0.01", "1.1091", "-2.6833", "2.4195", "1.0978"]
    assert table[2].split() == ["1", "8.5202", "-21.1239", "2.4793", "0.0285"]
    assert table[3].split() == ["10", "30.2030", "-2.3441", "0.0776", "200.0000"]


def test_saturated_sigmoid_stops_bceloss_but_not_bce_with_logits():
    model, _ = lg.train_logistic(lr=10.0)
    x, y = lg.make_data()
    y_pred = model(x)
    assert y_pred.detach().squeeze(1).tolist() == [1.0, 1.0, 1.0]
    nn.BCELoss(reduction="sum")(y_pred, y).backward()
    assert model.linear.weight.grad.item() == 0.0 and model.linear.bias.grad.item() == 0.0
    fixed = lg.train_with_logits(lr=10.0)  # same lr, but BCEWithLogitsLoss on the logits
    assert f"{lg.decision_boundary(fixed):.4f}" == "2.5058"


def test_probability_curve_and_plot():
    import matplotlib.pyplot as plt

    model, _ = lg.train_logistic(epochs=50)
    hours, probs = lg.probability_curve(model)
    assert hours.shape == probs.shape == (200,)
    assert hours[0] == 0.0 and hours[-1] == 10.0
    assert probs[0] == pytest.approx(predict(model, 0.0), rel=1e-6)
    fig, ax = plt.subplots()
    lg.plot_probability(ax, hours, probs, label="curve")
    assert len(ax.lines) == 2  # the curve and the 0.5 line
    assert ax.get_xlabel() == "Hours" and ax.get_ylabel() == "Probability of Pass"
    plt.close(fig)


def test_logit_gradients_match_the_formulas():
    for z in (-10.0, -2.0, 0.0, 3.0):
        y_pred, g_bce, g_mse = lg.logit_gradients(z, y=1.0)
        s = 1 / (1 + math.exp(-z))
        assert y_pred == pytest.approx(s, rel=1e-5)
        assert g_bce == pytest.approx(s - 1, rel=1e-4, abs=1e-7)
        assert g_mse == pytest.approx(2 * (s - 1) * s * (1 - s), rel=1e-3, abs=1e-12)
    y_pred, g_bce, g_mse = lg.logit_gradients(2.0, y=0)
    assert g_bce == pytest.approx(y_pred, rel=1e-5)


def test_mse_gets_stuck_where_bce_recovers():
    bce, _ = lg.train_logistic(loss_fn="bce", init=(-3.0, 0.0))
    mse, _ = lg.train_logistic(loss_fn="mse", init=(-3.0, 0.0))
    assert f"{predict(bce, 3.0):.4f} {predict(mse, 3.0):.4f}" == "0.6337 0.0001"
    assert f"{parameters(mse)[0]:.4f}" == "-3.0334"
    plain, history = lg.train_logistic(loss_fn="mse")
    assert f"{lg.decision_boundary(plain):.4f}" == "2.4524"
