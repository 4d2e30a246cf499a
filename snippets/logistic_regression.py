"""Chapter 06: logistic regression.

Binary classification with the logistic (sigmoid) function and the binary cross-entropy loss:
will a student who studied ``x`` hours pass the exam? The model ``y_pred = sigmoid(x * w + b)``
is an ``nn.Module``, trained with ``nn.BCELoss`` and SGD exactly like the linear model of
chapter 05 (whose ``parameters`` and ``predict`` helpers are reused here). The exercises train
longer and with larger learning rates, and compare the MSE loss with BCE.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import numpy as np
import torch
from torch import nn

from snippets.linear_regression import parameters
# --8<-- [end:imports]

HOURS = (1.0, 2.0, 3.0, 4.0)
"""Hours studied by the students of the course's example."""

PASSED = (0.0, 0.0, 1.0, 1.0)
"""Exam results of those students: 0 = failed, 1 = passed."""

LOSSES = {"bce": nn.BCELoss, "mse": nn.MSELoss}
"""The loss functions ``train_logistic`` can use, by name."""


# --8<-- [start:logistic]
def logistic(x: torch.Tensor) -> torch.Tensor:
    """The logistic function sigma(x) = 1 / (1 + exp(-x)), written out.

    Parameters
    ----------
    x
        Any tensor.

    Returns
    -------
    torch.Tensor
        sigma(x), element by element; every value lies between 0 and 1.
    """
    return 1 / (1 + torch.exp(-x))
# --8<-- [end:logistic]


# --8<-- [start:bce]
def bce_by_hand(y_pred: list[float], y: list[float]) -> list[float]:
    """The binary cross-entropy of every sample, with nothing but ``math.log``.

    Parameters
    ----------
    y_pred
        Predicted probabilities of class 1, each strictly between 0 and 1.
    y
        True labels, each 0 or 1.

    Returns
    -------
    list of float
        -(y * log(y_pred) + (1 - y) * log(1 - y_pred)) for every sample.
    """
    return [-(t * math.log(p) + (1 - t) * math.log(1 - p)) for p, t in zip(y_pred, y)]
# --8<-- [end:bce]


# --8<-- [start:data]
def make_data(
    samples: int = 3, device: torch.device | str = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Hours studied and exam results of the first ``samples`` students, as columns.

    Parameters
    ----------
    samples
        3 (hours 1, 2, 3 -> failed, failed, passed) or 4 (adds 4 hours -> passed).
    device
        Where the tensors are created.

    Returns
    -------
    tuple of torch.Tensor
        ``x_data`` (hours) and ``y_data`` (labels 0.0 / 1.0), each of shape (samples, 1).
    """
    if samples not in (3, 4):
        raise ValueError(f"samples must be 3 or 4, not {samples}")
    x_data = torch.tensor(HOURS[:samples], device=device).unsqueeze(1)  # (samples, 1)
    y_data = torch.tensor(PASSED[:samples], device=device).unsqueeze(1)  # float labels
    return x_data, y_data
# --8<-- [end:data]


# --8<-- [start:model]
class LogisticRegressionModel(nn.Module):
    """The model y_pred = sigmoid(x * w + b): the probability of class 1 (passing)."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(1, 1)  # the same w and b as in linear regression

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Probabilities for a batch ``x`` of shape (N, 1); the output has shape (N, 1)."""
        return torch.sigmoid(self.linear(x))  # squash x * w + b into (0, 1)
# --8<-- [end:model]


# --8<-- [start:train]
def train_logistic(
    epochs: int = 1000,
    lr: float = 0.01,
    samples: int = 3,
    reduction: str = "sum",
    loss_fn: str = "bce",
    init: tuple[float, float] | None = None,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[LogisticRegressionModel, dict[str, list[float]]]:
    """Train ``LogisticRegressionModel`` on the hours-studied data with SGD.

    Parameters
    ----------
    epochs
        Number of full-batch updates.
    lr
        Learning rate of SGD.
    samples
        3 or 4 students, see ``make_data``.
    reduction
        ``"sum"`` or ``"mean"`` over the samples, passed to the loss.
    loss_fn
        ``"bce"`` (``nn.BCELoss``, the right choice) or ``"mse"`` (exercise 2).
    init
        Start from this ``(w, b)`` instead of PyTorch's random initial values.
    seed
        Seed of the random initial ``w`` and ``b``.
    device
        Where the model and the data live.

    Returns
    -------
    tuple
        The trained model and its history: the ``"loss"``, ``"w"`` and ``"b"`` of every
        epoch, recorded before that epoch's update.
    """
    torch.manual_seed(seed)  # the same initial w and b on every run
    x_data, y_data = make_data(samples, device)
    model = LogisticRegressionModel().to(device)
    if init is not None:  # exercise 2: start from a chosen point
        with torch.no_grad():
            model.linear.weight.fill_(init[0])
            model.linear.bias.fill_(init[1])
    criterion = LOSSES[loss_fn](reduction=reduction)  # nn.BCELoss(reduction="sum")
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = {"loss": [], "w": [], "b": []}
    for epoch in range(epochs):
        y_pred = model(x_data)  # forward: probabilities, shape (samples, 1)
        loss = criterion(y_pred, y_data)
        w, b = parameters(model)
        history["loss"].append(loss.item())
        history["w"].append(w)
        history["b"].append(b)
        optimizer.zero_grad()
        loss.backward()  # backward
        optimizer.step()  # update w and b
    return model, history
# --8<-- [end:train]


# --8<-- [start:boundary]
def decision_boundary(model: LogisticRegressionModel) -> float:
    """The input where the predicted probability is exactly 0.5.

    sigmoid(x * w + b) = 0.5 exactly when x * w + b = 0, that is at x = -b / w.

    Parameters
    ----------
    model
        A ``LogisticRegressionModel`` (its weight must not be 0).

    Returns
    -------
    float
        -b / w.
    """
    w, b = parameters(model)
    return -b / w
# --8<-- [end:boundary]


# --8<-- [start:curve]
def probability_curve(
    model: nn.Module, start: float = 0.0, stop: float = 10.0, steps: int = 200
) -> tuple[np.ndarray, np.ndarray]:
    """The model's probability of passing for ``steps`` inputs evenly spaced on [start, stop].

    Parameters
    ----------
    model
        A model with one input and one output between 0 and 1.
    start, stop, steps
        The inputs, as in ``torch.linspace``.

    Returns
    -------
    tuple of numpy.ndarray
        The inputs (hours) and the probabilities, both of shape (steps,).
    """
    device = next(model.parameters()).device
    hours = torch.linspace(start, stop, steps, device=device).unsqueeze(1)  # (steps, 1)
    with torch.no_grad():  # plotting needs no graph
        probs = model(hours)
    return hours.squeeze(1).cpu().numpy(), probs.squeeze(1).cpu().numpy()
# --8<-- [end:curve]


# --8<-- [start:plot]
def plot_probability(ax, hours, probs, label=None, color="C0",
                     xlabel="Hours", ylabel="Probability of Pass"):
    """Draw a probability curve, the 0.5 line and a grid on a matplotlib ``ax``.

    Parameters
    ----------
    ax
        A matplotlib Axes.
    hours, probs
        The arrays returned by ``probability_curve``.
    label, color
        Legend text and color of the curve.
    xlabel, ylabel
        Axis labels.
    """
    ax.plot(hours, probs, color=color, label=label)
    ax.axhline(0.5, color="red", linewidth=1)  # above: "pass", below: "fail"
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_ylim(-0.05, 1.05)
    ax.grid(True)
# --8<-- [end:plot]


def boundary_table(lrs: tuple[float, ...] = (0.01, 0.1, 1.0, 5.0, 10.0),
                   epochs: int = 1000) -> str:
    """Train once per learning rate and tabulate w, b, the boundary -b/w and the final loss.

    Parameters
    ----------
    lrs
        The learning rates to try.
    epochs
        Epochs of every run.

    Returns
    -------
    str
        A header line and one aligned line per learning rate; the loss is the summed BCE
        after the last update.
    """
    x_data, y_data = make_data()
    lines = [f"{'lr':>5}{'w':>9}{'b':>10}{'-b/w':>8}{'loss':>10}"]
    for lr in lrs:
        model, _ = train_logistic(epochs=epochs, lr=lr)
        w, b = parameters(model)
        with torch.no_grad():
            final = nn.BCELoss(reduction="sum")(model(x_data), y_data).item()
        lines.append(f"{lr:>5g}{w:>9.4f}{b:>10.4f}{-b / w:>8.4f}{final:>10.4f}")
    return "\n".join(lines)


# --8<-- [start:logits]
def train_with_logits(
    epochs: int = 1000, lr: float = 10.0, seed: int = 0, device: torch.device | str = "cpu"
) -> LogisticRegressionModel:
    """Train the same model with ``nn.BCEWithLogitsLoss`` on the logit x * w + b.

    The sigmoid and the logarithm are computed together, in a numerically stable way, so
    the gradient does not get lost when the sigmoid saturates.

    Parameters
    ----------
    epochs, lr, seed, device
        As in ``train_logistic`` (three samples, summed loss).

    Returns
    -------
    LogisticRegressionModel
        The trained model; ``model(x)`` still returns probabilities.
    """
    torch.manual_seed(seed)
    x_data, y_data = make_data(3, device)
    model = LogisticRegressionModel().to(device)
    criterion = nn.BCEWithLogitsLoss(reduction="sum")  # sigmoid + BCE in one function
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for epoch in range(epochs):
        logits = model.linear(x_data)  # x * w + b, before the sigmoid
        loss = criterion(logits, y_data)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model
# --8<-- [end:logits]


# --8<-- [start:gradients]
def logit_gradients(z: float, y: float = 1.0) -> tuple[float, float, float]:
    """Gradients of BCE and of the squared error with respect to the logit z, by autograd.

    Parameters
    ----------
    z
        The logit x * w + b of one sample; the prediction is y_pred = sigmoid(z).
    y
        The label of the sample.

    Returns
    -------
    tuple of float
        y_pred, d BCE / dz and d (y_pred - y)^2 / dz.
    """
    grads = []
    for criterion in (nn.BCELoss(), nn.MSELoss()):
        logit = torch.tensor([float(z)], requires_grad=True)
        y_pred = torch.sigmoid(logit)
        criterion(y_pred, torch.tensor([float(y)])).backward()
        grads.append(logit.grad.item())
    return y_pred.item(), grads[0], grads[1]
# --8<-- [end:gradients]
