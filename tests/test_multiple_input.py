"""Tests of snippets/multiple_input.py (chapter 07)."""

from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from docbuild import runs
from snippets import datasets
from snippets import multiple_input as mi


@pytest.fixture(scope="module")
def long():
    """The chapter's long run (LONG_EPOCHS epochs on the CPU, as the figures run it), trained
    once for all tests that need it."""
    return runs.cached(mi.long_run)


@pytest.fixture(scope="module")
def long_history(long):
    return long["history"]


@pytest.fixture(scope="module")
def notes_history():
    """The notes' exact setting, as the figure runs it."""
    return runs.cached(mi.notes_run)


@pytest.fixture(scope="module")
def activation_runs():
    """The exercise's comparison, as the figure runs it (3000 epochs)."""
    return runs.cached(mi.compare_activations, epochs=3000)


def test_preview_shows_the_first_records_with_feature_names():
    lines = mi.preview(3).splitlines()
    assert len(lines) == 4
    assert lines[0].split() == [*mi.FEATURES, "y"]
    # the first record of the course's diabetes.csv
    assert lines[1].split() == ["-0.2941", "0.4874", "0.1803", "-0.2929", "0.0000", "0.0015",
                                "-0.5312", "-0.0333", "0"]
    assert len(mi.FEATURES) == 8


def test_majority_baseline_is_the_share_of_the_larger_class():
    assert mi.majority_baseline(torch.tensor([[1.0], [1.0], [0.0], [1.0]])) == 0.75
    assert mi.majority_baseline(torch.tensor([[0.0], [0.0], [0.0], [1.0]])) == 0.75
    _, y = datasets.diabetes()
    assert f"{mi.majority_baseline(y):.4f}" == "0.6535"  # 496 of 759
    _, y_train, _, y_val, _, y_test = mi.diabetes_splits()
    assert (f"{mi.majority_baseline(y_train):.4f} {mi.majority_baseline(y_val):.4f} "
            f"{mi.majority_baseline(y_test):.4f}") == "0.6535 0.6556 0.6513"


def test_three_splits_are_disjoint_stratified_and_reproducible():
    x_train, y_train, x_val, y_val, x_test, y_test = mi.diabetes_splits()
    assert (len(y_train), len(y_val), len(y_test)) == (456, 151, 152)
    rows = {tuple(r) for r in torch.cat([x_train, x_val, x_test]).tolist()}
    x_all, _ = datasets.diabetes()
    assert len(rows) == len({tuple(r) for r in x_all.tolist()})  # every record once
    for y in (y_train, y_val, y_test):
        assert abs(y.mean().item() - 0.6535) < 0.003
    again = mi.diabetes_splits()
    assert torch.equal(again[2], x_val) and not torch.equal(mi.diabetes_splits(seed=1)[2], x_val)
    # the test split is the one of datasets.diabetes_split: the same 152 records
    assert torch.equal(x_test, datasets.diabetes_split()[2])


def test_split_off_takes_a_share_of_each_class():
    x = torch.arange(10.0).unsqueeze(1)
    y = torch.tensor([[0.0]] * 4 + [[1.0]] * 6)
    x_rest, y_rest, x_part, y_part = mi.split_off(x, y, fraction=0.5)
    assert len(y_part) == 5 and y_part.sum().item() == 3  # 2 of the 0s, 3 of the 1s
    assert sorted(torch.cat([x_rest, x_part]).flatten().tolist()) == x.flatten().tolist()


def test_constant_prediction_loss_is_the_entropy_of_the_labels():
    _, y_train, _, _, _, _ = mi.diabetes_splits()
    p = y_train.mean().item()
    entropy = -(p * math.log(p) + (1 - p) * math.log(1 - p))
    assert mi.constant_prediction_loss(y_train) == pytest.approx(entropy, rel=1e-5)
    assert f"{mi.constant_prediction_loss(y_train):.4f}" == "0.6452"
    # no other constant does better
    for q in (p - 0.05, p + 0.05):
        worse = nn.functional.binary_cross_entropy(torch.full_like(y_train, q), y_train).item()
        assert worse > mi.constant_prediction_loss(y_train)


def test_per_sample_loop_and_matrix_product_agree():
    x, _ = datasets.diabetes()
    torch.manual_seed(0)
    layer = nn.Linear(8, 1)
    w, b = layer.weight.detach(), layer.bias.detach()
    slow = mi.predict_per_sample(x, w, b)
    fast = mi.predict_vectorised(x, w, b)
    assert slow.shape == fast.shape == (759, 1)
    assert torch.allclose(slow, fast, atol=1e-6)
    assert torch.allclose(fast, torch.sigmoid(layer(x)))
    assert ((fast > 0) & (fast < 1)).all()


def test_linear_layers_without_activation_collapse_into_one():
    x, _ = datasets.diabetes()
    torch.manual_seed(0)
    stack = nn.Sequential(nn.Linear(8, 6), nn.Linear(6, 4), nn.Linear(4, 1))
    weight, bias = mi.compose_linear(*stack)
    assert weight.shape == (1, 8) and bias.shape == (1,)
    assert not weight.requires_grad
    with torch.no_grad():
        assert torch.allclose(stack(x), x @ weight.T + bias, atol=1e-6)
    one, _ = mi.compose_linear(stack[0])
    assert torch.equal(one, stack[0].weight.detach())


def test_diabetes_net_layers_shapes_and_parameter_count():
    torch.manual_seed(0)
    model = mi.DiabetesNet()
    shapes = [tuple(p.shape) for p in model.parameters()]
    assert shapes == [(6, 8), (6,), (4, 6), (4,), (1, 4), (1,)]
    assert sum(p.numel() for p in model.parameters()) == 87
    assert isinstance(model.activation, nn.Sigmoid) and isinstance(model.sigmoid, nn.Sigmoid)
    x, _ = datasets.diabetes()
    y_pred = model(x)
    assert y_pred.shape == (759, 1)
    assert ((y_pred > 0) & (y_pred < 1)).all()
    # activations have no parameters: same seed, same initial weights, whatever the activation
    torch.manual_seed(0)
    relu_model = mi.DiabetesNet(nn.ReLU)
    assert isinstance(relu_model.activation, nn.ReLU)
    for a, b in zip(model.parameters(), relu_model.parameters()):
        assert torch.equal(a, b)


def test_accuracy_thresholds_at_one_half():
    y_pred = torch.tensor([[0.2], [0.7], [0.51], [0.5]])
    y = torch.tensor([[0.0], [1.0], [0.0], [0.0]])
    assert mi.accuracy(y_pred, y) == 0.75


def test_short_run_sits_on_the_plateau():
    """The numbers the page prints after 500 epochs: stuck at the majority baseline."""
    model, history = mi.train(epochs=500)
    assert set(history) == {"train_loss", "val_loss", "train_acc", "val_acc"}
    assert all(len(values) == 500 for values in history.values())
    assert f"{history['train_loss'][0]:.4f} {history['train_loss'][-1]:.4f}" == "0.7279 0.6459"
    assert f"{history['val_acc'][-1]:.4f}" == "0.6556"
    assert mi.epochs_at_baseline(history) == 500  # never beat the baseline
    x_train, *_ = mi.diabetes_splits()
    spreads = mi.spread_per_layer(model, x_train)
    assert len(spreads) == 4
    assert spreads[0] > spreads[1] > spreads[2] > spreads[3]  # each sigmoid squeezes
    assert spreads[3] < 0.01


def test_training_is_seeded():
    _, first = mi.train(epochs=30)
    _, again = mi.train(epochs=30)
    _, other = mi.train(epochs=30, seed=1)
    assert first == again
    assert first["train_loss"] != other["train_loss"]


def test_long_run_escapes_the_plateau_then_overfits(long_history):
    """The numbers the page quotes from the long run (CPU, seed 0)."""
    history = long_history
    assert len(history["train_loss"]) == mi.LONG_EPOCHS == 100_000
    # the plateau: thousands of epochs at the majority class, loss at the label entropy
    plateau = mi.epochs_at_baseline(history)
    assert plateau == 6008
    assert abs(history["train_loss"][plateau // 2] - 0.6452) < 0.002
    # the end: training loss down, validation loss up (overfitting)
    assert f"{history['train_loss'][-1]:.4f} {history['val_loss'][-1]:.4f}" == "0.3433 0.7680"
    assert f"{history['train_acc'][-1]:.4f} {history['val_acc'][-1]:.4f}" == "0.8509 0.7020"


def test_the_epoch_is_chosen_on_validation_and_the_test_split_measured_once(long):
    history, best = long["history"], long["best_epoch"]
    val = history["val_loss"]
    assert best == 12_335 and min(val) == val[best - 1]
    assert f"{val[best - 1]:.4f} {history['val_acc'][best - 1]:.4f}" == "0.4632 0.7682"
    # nearly flat from about 10 000 to 20 000 epochs
    near = [epoch for epoch, v in enumerate(val, start=1) if v <= val[best - 1] + 0.002]
    assert 9_500 <= near[0] <= 10_500 and 19_500 <= near[-1] <= 21_000
    assert f"{long['test_acc']:.4f} {long['test_loss']:.4f}" == "0.7697 0.4615"
    assert round(long["test_acc"] * 152) == 117
    _, _, _, _, _, y_test = mi.diabetes_splits()
    assert f"{mi.majority_baseline(y_test):.4f}" == "0.6513"


def test_the_notes_setting_fits_its_own_records(notes_history):
    assert len(notes_history["loss"]) == 100_000
    assert f"{notes_history['loss'][-1]:.4f} {notes_history['acc'][-1]:.4f}" == "0.4137 0.8063"
    # still improving at the end
    assert notes_history["loss"][-1] < notes_history["loss"][-5000]


def test_other_seeds_leave_the_plateau_at_other_epochs():
    _, history = mi.train(epochs=5000, seed=1)
    assert mi.epochs_at_baseline(history) == 3199


def test_activations_compared_from_the_same_start(activation_runs, long_history):
    runs = activation_runs
    assert list(runs) == list(mi.ACTIVATIONS)
    # the sigmoid run is the long run's beginning: same seed, same data, same steps
    assert runs["Sigmoid"]["val_loss"] == long_history["val_loss"][:3000]
    # sigmoid is still on its plateau after 3000 epochs; the others left it after 335 to 385
    assert runs["Sigmoid"]["val_acc"][-1] == pytest.approx(0.6556, abs=1e-4)
    assert [mi.epochs_at_baseline(runs[name]) for name in ("Tanh", "ReLU", "LeakyReLU")] == [335, 383, 385]
    assert [f"{runs[name]['val_acc'][-1]:.4f}" for name in ("Tanh", "ReLU", "LeakyReLU")] == [
        "0.7748", "0.7748", "0.7682"]


def test_larger_learning_rate_and_adam_shorten_the_plateau():
    _, sgd = mi.train(epochs=800, lr=1.0)
    _, adam = mi.train(epochs=800, lr=0.01, optimizer="Adam")
    assert mi.epochs_at_baseline(sgd) < 800
    assert mi.epochs_at_baseline(adam) < 200
    assert sgd["val_acc"][-1] > 0.70 and adam["val_acc"][-1] > 0.70


def test_train_runs_on_the_requested_device():
    model, history = mi.train(epochs=2, device=torch.device("cpu"))
    assert next(model.parameters()).device.type == "cpu"
    assert len(history["val_acc"]) == 2


def test_long_run_and_the_activation_comparison_train_for_real():
    """The long runs above come from the shared run cache; these small runs execute the code."""
    short = mi.long_run(epochs=3)
    assert len(short["history"]["train_loss"]) == 3 and 1 <= short["best_epoch"] <= 3
    assert 0 <= short["test_acc"] <= 1
    assert len(mi.notes_run(epochs=3)["acc"]) == 3
    # a learning rate far too large: the validation loss jumps up and the first epoch stays best
    overshoot = mi.long_run(epochs=4, lr=50.0)
    assert overshoot["best_epoch"] == 1
    assert overshoot["history"]["val_loss"][1] > overshoot["history"]["val_loss"][0]
    runs_ = mi.compare_activations(names=("ReLU", "Tanh"), epochs=2)
    assert set(runs_) == {"ReLU", "Tanh"} and all(len(h["train_loss"]) == 2 for h in runs_.values())
