"""Tests of snippets/linear_regression.py (chapter 05)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn
from torch.nn import functional as F

from snippets import linear_regression as lr


def test_make_data_is_two_columns_of_three_samples():
    x_data, y_data = lr.make_data()
    assert x_data.shape == (3, 1) and y_data.shape == (3, 1)
    assert x_data.dtype == torch.float32
    assert torch.equal(y_data, 2 * x_data)


def test_linear_model_wraps_one_linear_layer():
    torch.manual_seed(0)
    model = lr.LinearModel()
    assert isinstance(model.linear, nn.Linear)
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    assert shapes == {"linear.weight": (1, 1), "linear.bias": (1,)}
    x_data, _ = lr.make_data()
    # calling the model runs forward (through nn.Module.__call__)
    assert torch.equal(model(x_data), model.forward(x_data))
    assert torch.allclose(model(x_data), x_data * model.linear.weight + model.linear.bias)
    # the numbers the page shows for seed 0
    w, b = lr.parameters(model)
    assert f"{w:.4f} {b:.4f}" == "-0.0075 0.5364"


def test_training_100_epochs_is_not_enough_1000_is():
    model, losses = lr.train_linear_model(epochs=100)
    w, b = lr.parameters(model)
    assert len(losses) == 100
    assert f"{w:.4f} {b:.4f} {lr.predict(model, 4.0):.4f}" == "1.7463 0.5767 7.5619"
    model, losses = lr.train_linear_model(epochs=1000)
    w, b = lr.parameters(model)
    assert f"{w:.4f} {b:.4f} {lr.predict(model, 4.0):.4f}" == "1.9996 0.0009 7.9994"
    assert losses[0] > 40 and losses[-1] < 1e-6
    assert all(later < earlier for earlier, later in zip(losses[10:], losses[11:]))


def test_training_is_deterministic_and_seeded():
    first = lr.parameters(lr.train_linear_model(epochs=20)[0])
    again = lr.parameters(lr.train_linear_model(epochs=20)[0])
    other = lr.parameters(lr.train_linear_model(epochs=20, seed=1)[0])
    assert first == again and first != other


def test_sum_with_lr_equals_mean_with_n_times_lr():
    """reduction="sum" multiplies the gradient by N = 3; SGD then behaves like lr * 3."""
    summed = lr.parameters(lr.train_linear_model(epochs=100, lr=0.01, reduction="sum")[0])
    mean = lr.parameters(lr.train_linear_model(epochs=100, lr=0.03, reduction="mean")[0])
    slow = lr.parameters(lr.train_linear_model(epochs=100, lr=0.01, reduction="mean")[0])
    assert summed == pytest.approx(mean, abs=1e-5)
    assert abs(slow[0] - 2) > abs(summed[0] - 2)


def test_predict_uses_a_batch_of_one_and_no_graph():
    model, _ = lr.train_linear_model(epochs=5)
    y = lr.predict(model, 4.0)
    assert isinstance(y, float)
    w, b = lr.parameters(model)
    assert y == pytest.approx(4.0 * w + b, rel=1e-6)


def test_make_optimizer_names_and_lbfgs_default_lr():
    params = [nn.Parameter(torch.zeros(1))]
    for name in lr.OPTIMIZERS:
        optimizer = lr.make_optimizer(name, params, lr=0.01)
        assert type(optimizer).__name__ == name
        expected = 1.0 if name == "LBFGS" else 0.01
        assert optimizer.param_groups[0]["lr"] == expected


def test_train_with_optimizer_sgd_matches_the_plain_loop():
    result = lr.train_with_optimizer("SGD", epochs=100)
    model, losses = lr.train_linear_model(epochs=100)
    assert (result["w"], result["b"]) == pytest.approx(lr.parameters(model))
    assert result["losses"] == pytest.approx(losses)
    assert result["evaluations"] == 100
    assert result["loss"] < result["losses"][-1]


def test_compare_optimizers_table_numbers():
    """The notes' setting, lr = 0.01 for 1000 epochs: the verdicts the page draws from the table."""
    results = lr.compare_optimizers(epochs=1000)
    assert [r["name"] for r in results] == list(lr.OPTIMIZERS)
    by_name = {r["name"]: r for r in results}
    # same start for everybody
    assert len({r["losses"][0] for r in results}) == 1
    # LBFGS (lr = 1) solves the problem in its first step, using several loss evaluations
    assert by_name["LBFGS"]["loss"] < 1e-9 and by_name["LBFGS"]["evaluations"] == 1005
    assert by_name["Rprop"]["loss"] < 1e-9
    # the page says Rprop gets below 1e-10 after "a bit more than a hundred" epochs
    reached = next(i for i, v in enumerate(by_name["Rprop"]["losses"], start=1) if v <= 1e-10)
    assert 100 < reached < 200
    # SGD, ASGD and RMSprop end within 0.001 of w = 2, b = 0
    for name in ("SGD", "ASGD", "RMSprop"):
        assert by_name[name]["w"] == pytest.approx(2.0, abs=1e-3)
        assert by_name[name]["b"] == pytest.approx(0.0, abs=1e-3)
        assert by_name[name]["loss"] < 1e-6
    # Adam and Adamax are still on their way; Adagrad with lr 0.01 hardly moves
    order = sorted(lr.OPTIMIZERS, key=lambda n: by_name[n]["loss"])
    assert order[-3:] == ["Adam", "Adamax", "Adagrad"]
    assert by_name["Adam"]["loss"] > 0.1 and by_name["Adagrad"]["loss"] > 10


def test_a_comparison_cut_at_500_epochs_calls_rmsprop_slow():
    early = lr.train_with_optimizer("RMSprop", epochs=500)
    late = lr.train_with_optimizer("RMSprop", epochs=1000)
    assert early["loss"] > 1e4 * late["loss"]  # "five orders of magnitude"


def test_format_table_aligns_and_hides_negative_zero():
    rows = [
        {"name": "SGD", "w": 1.99996, "b": -0.00001, "loss": 3.1e-7, "evaluations": 10},
        {"name": "LBFGS", "w": 2.0, "b": 0.5, "loss": 0.0, "evaluations": 15},
    ]
    lines = lr.format_table(rows).splitlines()
    assert lines[0].split() == ["optimizer", "w", "b", "loss", "evals"]
    assert lines[1].split() == ["SGD", "2.0000", "0.0000", "3.10e-07", "10"]
    assert lines[2].split() == ["LBFGS", "2.0000", "0.5000", "0.00e+00", "15"]
    assert len({len(line) for line in lines}) == 1


def test_larger_learning_rates_rescue_adagrad_and_adam():
    assert lr.train_with_optimizer("Adagrad", epochs=500, lr=1.0)["loss"] < 1e-9
    assert lr.train_with_optimizer("Adam", epochs=500, lr=0.1)["loss"] < 1e-9


def test_lbfgs_evaluates_the_loss_many_times_per_step():
    assert lr.lbfgs_evaluations(lr=0.01, steps=2) == [20, 20]  # max_iter = 20
    # lr = 1: six evaluations solve it; later steps stop after one evaluation
    assert lr.lbfgs_evaluations(lr=1.0, steps=3) == [6, 1, 1]


def test_fruit_data_keeps_inputs_and_targets_apart():
    inputs, targets = lr.fruit_data()
    assert inputs.shape == (5, 3) and targets.shape == (5, 2)
    assert inputs.dtype == targets.dtype == torch.float32
    assert inputs[0].tolist() == [73, 67, 43] and targets[0].tolist() == [56, 70]
    assert len(lr.REGIONS) == 5


def test_mse_is_the_mean_of_all_squared_differences():
    a = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    b = torch.zeros(2, 2)
    assert lr.mse(a, b).item() == pytest.approx(30 / 4)
    x, y = torch.randn(5, 2), torch.randn(5, 2)
    assert lr.mse(x, y).item() == pytest.approx(F.mse_loss(x, y).item())


def test_fit_fruit_by_hand_numbers():
    result = lr.fit_fruit_by_hand()
    assert result["w"].shape == (2, 3) and result["b"].shape == (2,)
    assert not result["w"].requires_grad
    assert f"{result['losses'][0]:.1f} {result['final_loss']:.1f}" == "33060.8 1270.1"
    assert len(result["losses"]) == 100


def test_fit_fruit_linear_raw_standardised_and_diverging():
    model, losses = lr.fit_fruit_linear()
    assert isinstance(model, nn.Linear) and model.weight.shape == (2, 3)
    assert len(losses) == 101
    assert f"{losses[0]:.1f} {losses[-1]:.4f}" == "13584.8 31.6311"
    _, std = lr.fit_fruit_linear(lr=0.1, standardize=True)
    assert f"{std[-1]:.4f}" == "0.4886"
    _, big = lr.fit_fruit_linear(lr=1e-3)
    assert math.isnan(big[-1])  # raw features with lr 1e-3: diverges
    _, mid = lr.fit_fruit_linear(lr=1e-4)
    assert f"{mid[-1]:.4f}" == "2.5382"


def test_fit_fruit_linear_batches_shuffle_reproducibly():
    _, a = lr.fit_fruit_linear(epochs=3, batch_size=5)
    _, b = lr.fit_fruit_linear(epochs=3, batch_size=5)
    assert a == b


def test_least_squares_is_a_lower_bound():
    best = lr.least_squares_loss()
    assert f"{best:.4f}" == "0.4831"
    _, std = lr.fit_fruit_linear(lr=0.1, standardize=True)
    assert min(std) >= best - 1e-4


def test_fit_sine_polynomial():
    coefficients, losses = lr.fit_sine_polynomial()
    # RMSprop never settles: the last digits depend on the processor (the page's output is approximate)
    assert coefficients == pytest.approx([-0.0005, 0.8571, -0.0005, -0.0930], abs=5e-4)
    assert len(losses) == 2000 and losses[-1] < losses[0] / 100
    few, _ = lr.fit_sine_polynomial(steps=5)
    assert len(few) == 4


def test_rmsprop_jumps_back_up_after_its_lowest_loss():
    """The page: lowest loss 1.6e-12 in epoch 937, then up to 1.2e-02 about 45 epochs later."""
    curve = lr.train_with_optimizer("RMSprop", epochs=1000)["losses"]
    lowest = min(range(len(curve)), key=curve.__getitem__)
    peak = max(range(lowest, len(curve)), key=curve.__getitem__)
    assert lowest + 1 == 937 and curve[lowest] < 1e-11
    assert 40 <= peak - lowest <= 50 and curve[peak] > 1e-2
    assert curve[-1] < 1e-5  # falling again at the end
