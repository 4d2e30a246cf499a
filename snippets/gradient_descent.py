"""Chapter 03: gradient descent for the one-weight model ``y_hat = x * w``.

Batch gradient descent, stochastic gradient descent (SGD) and mini-batch gradient descent,
written in plain Python with the gradient worked out by hand, so every number can be followed
with pencil and paper. Chapter 04 lets PyTorch's autograd compute the same gradient.

Unlike the course notes, no function here reads or changes a global ``w``: the weight is an
argument, and the training functions return the whole history instead of printing it.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
# --8<-- [end:imports]

# --8<-- [start:model]
# Chapter 02's data set (x hours of study, y exam score, exactly y = 2x) and its model
# forward(x, w) = x * w with the squared error loss(x, y, w) = (x * w - y) ** 2.
from snippets.linear_model import X_DATA, Y_DATA, forward, loss


def cost(xs: Sequence[float], ys: Sequence[float], w: float) -> float:
    """Mean squared error (MSE) over a data set: the mean of the samples' losses."""
    return sum(loss(x, y, w) for x, y in zip(xs, ys)) / len(xs)


def sample_gradient(x: float, y: float, w: float) -> float:
    """Derivative of one sample's loss with respect to w: ``2 * x * (x * w - y)``."""
    return 2 * x * (forward(x, w) - y)


def gradient(xs: Sequence[float], ys: Sequence[float], w: float) -> float:
    """Derivative of :func:`cost` with respect to w: the mean of the samples' gradients."""
    return sum(sample_gradient(x, y, w) for x, y in zip(xs, ys)) / len(xs)
# --8<-- [end:model]


# --8<-- [start:history]
@dataclass(frozen=True)
class History:
    """What a training run went through.

    Attributes
    ----------
    w
        ``w[k]`` is the weight after ``k`` epochs; ``w[0]`` is the starting weight.
    cost
        ``cost[k]`` is the cost on the WHOLE data set at ``w[k]``, so each pair
        ``(w[k], cost[k])`` belongs together.
    steps
        The weight after every single update; ``steps[0]`` is the starting weight. Batch
        gradient descent makes one update per epoch, SGD one per sample.
    """

    w: list[float]
    cost: list[float]
    steps: list[float]
# --8<-- [end:history]


# --8<-- [start:train_gd]
def train_gd(
    w: float = 1.0,
    lr: float = 0.01,
    epochs: int = 100,
    xs: Sequence[float] = X_DATA,
    ys: Sequence[float] = Y_DATA,
) -> History:
    """Batch gradient descent: one update per epoch, with the gradient of the whole data set.

    Parameters
    ----------
    w
        Starting weight.
    lr
        Learning rate (step size).
    epochs
        Number of passes over the data.
    xs, ys
        Inputs and targets.

    Returns
    -------
    History
        Weights and costs before training and after every epoch.
    """
    ws, costs = [w], [cost(xs, ys, w)]
    for _ in range(epochs):
        w = w - lr * gradient(xs, ys, w)  # all N samples -> one step
        ws.append(w)
        costs.append(cost(xs, ys, w))  # the cost of the NEW w
    return History(w=ws, cost=costs, steps=list(ws))
# --8<-- [end:train_gd]


# --8<-- [start:train_sgd]
@dataclass(frozen=True)
class SGDHistory(History):
    """A :class:`History` plus the number that the course notes print as SGD's "loss".

    Attributes
    ----------
    last_loss
        ``last_loss[k]`` is the loss of the LAST sample of epoch ``k + 1``, computed after that
        sample's update (so it pairs with ``w[k + 1]``). It is not the cost of the epoch.
    """

    last_loss: list[float]


def train_sgd(
    w: float = 1.0,
    lr: float = 0.01,
    epochs: int = 100,
    xs: Sequence[float] = X_DATA,
    ys: Sequence[float] = Y_DATA,
) -> SGDHistory:
    """Stochastic gradient descent: one update per sample, samples taken in order.

    Parameters
    ----------
    w
        Starting weight.
    lr
        Learning rate (step size).
    epochs
        Number of passes over the data.
    xs, ys
        Inputs and targets.

    Returns
    -------
    SGDHistory
        The weights and full-data costs per epoch, the weight after every update, and the
        last-sample loss that the course notes print.
    """
    ws, costs, steps, last_loss = [w], [cost(xs, ys, w)], [w], []
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            w = w - lr * sample_gradient(x, y, w)  # one sample -> one step
            steps.append(w)
        ws.append(w)
        costs.append(cost(xs, ys, w))  # the true cost: all samples, end of epoch
        last_loss.append(loss(xs[-1], ys[-1], w))  # what the notes print as "loss"
    return SGDHistory(w=ws, cost=costs, steps=steps, last_loss=last_loss)
# --8<-- [end:train_sgd]


# --8<-- [start:train_minibatch]
def train_minibatch(
    batch_size: int,
    w: float = 1.0,
    lr: float = 0.01,
    epochs: int = 100,
    xs: Sequence[float] = X_DATA,
    ys: Sequence[float] = Y_DATA,
) -> History:
    """Mini-batch gradient descent: one update per batch of ``batch_size`` samples.

    ``batch_size=1`` is SGD and ``batch_size=len(xs)`` is batch gradient descent. Batches are
    taken in order; the last one is smaller when ``batch_size`` does not divide ``len(xs)``.

    Parameters
    ----------
    batch_size
        Samples per update, from 1 to ``len(xs)``.
    w, lr, epochs, xs, ys
        As in :func:`train_gd`.

    Returns
    -------
    History
        Weights and costs per epoch, and the weight after every update.

    Raises
    ------
    ValueError
        If ``batch_size`` is not between 1 and ``len(xs)``.
    """
    if not 1 <= batch_size <= len(xs):
        raise ValueError(f"batch_size must be between 1 and {len(xs)}, not {batch_size}")
    ws, costs, steps = [w], [cost(xs, ys, w)], [w]
    for _ in range(epochs):
        for start in range(0, len(xs), batch_size):
            batch_x = xs[start : start + batch_size]
            batch_y = ys[start : start + batch_size]
            w = w - lr * gradient(batch_x, batch_y, w)  # one batch -> one step
            steps.append(w)
        ws.append(w)
        costs.append(cost(xs, ys, w))
    return History(w=ws, cost=costs, steps=steps)
# --8<-- [end:train_minibatch]


# --8<-- [start:smooth]
def update_losses(steps: Sequence[float], xs: Sequence[float], ys: Sequence[float]) -> list[float]:
    """The loss of each SGD step's sample, at the weight just before that step.

    Parameters
    ----------
    steps
        The weight after every update, ``steps[0]`` being the start (as in ``SGDHistory.steps``).
    xs, ys
        The samples, visited in this order in every epoch.

    Returns
    -------
    list of float
        One loss per update: ``len(steps) - 1`` values.
    """
    n = len(xs)
    return [loss(xs[k % n], ys[k % n], w) for k, w in enumerate(steps[:-1])]


def smooth(values: Sequence[float], beta: float = 0.9) -> list[float]:
    """Exponential moving average of a noisy curve: ``avg = beta * avg + (1 - beta) * value``.

    The average starts at the first value. Each smoothed point keeps ``beta`` of the running
    average and adds ``1 - beta`` of the new value, so it remembers roughly the last
    ``1 / (1 - beta)`` values: a larger ``beta`` is smoother but lags further behind.

    Parameters
    ----------
    values
        The raw curve, e.g. the loss of every update.
    beta
        How much of the running average each step keeps, between 0 and 1.

    Returns
    -------
    list of float
        The smoothed curve, as long as ``values``.
    """
    smoothed, average = [], values[0]
    for value in values:
        average = beta * average + (1 - beta) * value
        smoothed.append(average)
    return smoothed
# --8<-- [end:smooth]


# --8<-- [start:learning_rate]
def mean_square(xs: Sequence[float] = X_DATA) -> float:
    """The mean of x squared, which sets how steep the cost is."""
    return sum(x * x for x in xs) / len(xs)


def contraction_factor(lr: float, xs: Sequence[float] = X_DATA) -> float:
    """``1 - lr * 2 * mean(x**2)``: batch GD multiplies the distance to the best w by this."""
    return 1 - lr * 2 * mean_square(xs)
# --8<-- [end:learning_rate]


def best_weight(xs: Sequence[float] = X_DATA, ys: Sequence[float] = Y_DATA) -> float:
    """The weight with the smallest cost (least squares): ``sum(x * y) / sum(x * x)``."""
    return sum(x * y for x, y in zip(xs, ys)) / sum(x * x for x in xs)


# --8<-- [start:plot]
def plot_curves(
    ax,
    curves: Mapping[str, Sequence[float]],
    *,
    xlabel: str,
    ylabel: str,
    log: bool = False,
    styles: Mapping[str, str] | None = None,
):
    """Draw one line per entry of ``curves`` (label -> values, plotted against 0, 1, 2, ...).

    Parameters
    ----------
    ax
        A matplotlib Axes.
    curves
        Legend label -> the values to plot.
    xlabel, ylabel
        Axis labels.
    log
        Use a logarithmic y axis (each grid line is a factor of 10).
    styles
        Optional legend label -> matplotlib line style, such as ``"--"``.

    Returns
    -------
    The same Axes, for chaining.
    """
    styles = styles or {}
    for label, values in curves.items():
        ax.plot(range(len(values)), values, styles.get(label, "-"), label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return ax
# --8<-- [end:plot]
