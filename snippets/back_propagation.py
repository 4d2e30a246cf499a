"""Chapter 04 · Back propagation: the chain rule by hand, then the same gradients from autograd.

The chapter works on the course's toy data set (hours studied ``x`` → points ``y``, where the
true rule is ``y = 2x``). It computes one forward/backward pass by hand through the
computational graph of a squared-error loss, checks it against ``torch.autograd``, and then
trains two models with per-sample stochastic gradient descent (SGD) whose gradients come from
``loss.backward()``:

* the linear model ``y_hat = x * w`` of the lecture;
* the quadratic model ``y_hat = w1 * x**2 + w2 * x + b`` of the exercise.

The gradient and training functions return plain numbers (floats, tuples and lists of floats)
so pages, figures and tests can print, plot or assert them; ``plot_loss`` draws a loss history
onto a matplotlib ``Axes``.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Sequence

import torch
# --8<-- [end:imports]

# --8<-- [start:data]
# Chapter 02's data set: hours studied -> exam points; the hidden rule is y = 2x.
from snippets.linear_model import X_DATA, Y_DATA
# --8<-- [end:data]


# --8<-- [start:by_hand]
def backprop_by_hand(x: float, y: float, w: float, b: float = 0.0) -> dict[str, float]:
    """One forward and one backward pass through ``loss = (x * w + b - y) ** 2``, by hand.

    The graph has three nodes: ``y_hat = x * w + b``, the residual ``r = y_hat - y`` and
    ``loss = r ** 2``. The backward pass multiplies local derivatives from the loss back to
    the parameters (the chain rule).

    Parameters
    ----------
    x, y
        One training sample.
    w, b
        The current weight and bias (``b = 0`` gives the model ``y_hat = x * w``).

    Returns
    -------
    dict[str, float]
        Forward values ``y_hat``, ``r``, ``loss``; local derivatives ``dloss_dr``
        (= 2r), ``dr_dyhat`` (= 1), ``dyhat_dw`` (= x), ``dyhat_db`` (= 1); and the
        gradients ``dloss_dw`` and ``dloss_db`` they multiply into.
    """
    # forward: from the inputs to the loss
    y_hat = x * w + b
    r = y_hat - y
    loss = r**2
    # local derivatives: each node differentiates only its own little formula
    dloss_dr = 2 * r
    dr_dyhat = 1.0
    dyhat_dw = x
    dyhat_db = 1.0
    # backward: the chain rule multiplies them, from the loss back to each parameter
    dloss_dyhat = dloss_dr * dr_dyhat
    return {
        "y_hat": y_hat, "r": r, "loss": loss,
        "dloss_dr": dloss_dr, "dr_dyhat": dr_dyhat, "dyhat_dw": dyhat_dw, "dyhat_db": dyhat_db,
        "dloss_dw": dloss_dyhat * dyhat_dw, "dloss_db": dloss_dyhat * dyhat_db,
    }
# --8<-- [end:by_hand]


# --8<-- [start:train_linear]
def train_linear(
    epochs: int = 100, lr: float = 0.01, w_init: float = 1.0, device: torch.device | str = "cpu"
) -> tuple[float, list[float]]:
    """Fit ``y_hat = x * w`` with per-sample SGD, gradients from ``loss.backward()``.

    Parameters
    ----------
    epochs
        Passes over the three samples (one update per sample).
    lr
        Learning rate.
    w_init
        Starting weight.
    device
        Where the weight lives (``"cpu"`` or ``"cuda"``).

    Returns
    -------
    tuple[float, list[float]]
        The trained weight and, per epoch, the mean of the three sample losses seen during
        that epoch (each measured just before its update).
    """
    w = torch.tensor(w_init, requires_grad=True, device=device)
    history = []
    for _ in range(epochs):
        epoch_loss = 0.0
        for x, y in zip(X_DATA, Y_DATA):
            loss = (x * w - y) ** 2  # 1) forward: builds the graph x, w -> y_hat -> loss
            loss.backward()  # 2) backward: stores d loss / d w in w.grad
            with torch.no_grad():  # 3) update: not part of the model, so not tracked
                w -= lr * w.grad
            w.grad.zero_()  # 4) clear: backward() adds to w.grad, it never resets it
            epoch_loss += loss.item()
        history.append(epoch_loss / len(X_DATA))
    return w.item(), history
# --8<-- [end:train_linear]


# --8<-- [start:quadratic_grads]
def quadratic_grads_by_hand(
    x: float, y: float, w1: float, w2: float, b: float
) -> tuple[float, float, float]:
    """Gradients of ``(w1 * x**2 + w2 * x + b - y) ** 2`` from the hand-derived formulas.

    Parameters
    ----------
    x, y
        One training sample.
    w1, w2, b
        The model's parameters.

    Returns
    -------
    tuple[float, float, float]
        ``(d loss/d w1, d loss/d w2, d loss/d b) = (2 r x**2, 2 r x, 2 r)`` with
        ``r = y_hat - y``.
    """
    r = w1 * x**2 + w2 * x + b - y
    return 2 * r * x**2, 2 * r * x, 2 * r


def quadratic_grads_autograd(
    x: float, y: float, w1: float, w2: float, b: float
) -> tuple[float, float, float]:
    """The same three gradients, computed by ``loss.backward()``.

    Parameters
    ----------
    x, y
        One training sample.
    w1, w2, b
        The model's parameters.

    Returns
    -------
    tuple[float, float, float]
        ``(d loss/d w1, d loss/d w2, d loss/d b)`` read from the parameters' ``.grad``.
    """
    params = [torch.tensor(float(v), requires_grad=True) for v in (w1, w2, b)]
    p1, p2, p0 = params
    loss = (p1 * x**2 + p2 * x + p0 - y) ** 2
    loss.backward()
    return tuple(p.grad.item() for p in params)
# --8<-- [end:quadratic_grads]


# --8<-- [start:train_quadratic]
def train_quadratic(
    epochs: int = 100,
    lr: float = 0.01,
    init: tuple[float, float, float] = (1.0, 2.0, 3.0),
    device: torch.device | str = "cpu",
) -> tuple[tuple[float, float, float], list[float]]:
    """Fit ``y_hat = w1 * x**2 + w2 * x + b`` with per-sample SGD and autograd.

    Parameters
    ----------
    epochs
        Passes over the three samples (one update per sample).
    lr
        Learning rate, shared by the three parameters.
    init
        Starting values of ``(w1, w2, b)``.
    device
        Where the parameters live (``"cpu"`` or ``"cuda"``).

    Returns
    -------
    tuple[tuple[float, float, float], list[float]]
        The trained ``(w1, w2, b)`` and, per epoch, the mean of the three sample losses seen
        during that epoch.
    """
    params = [torch.tensor(v, requires_grad=True, device=device) for v in init]
    w1, w2, b = params
    history = []
    for _ in range(epochs):
        epoch_loss = 0.0
        for x, y in zip(X_DATA, Y_DATA):
            loss = (w1 * x**2 + w2 * x + b - y) ** 2
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad
                    p.grad.zero_()
            epoch_loss += loss.item()
        history.append(epoch_loss / len(X_DATA))
    return (w1.item(), w2.item(), b.item()), history
# --8<-- [end:train_quadratic]


# --8<-- [start:plot_loss]
def plot_loss(
    ax, history: Sequence[float], label: str | None = None,
    xlabel: str = "epoch", ylabel: str = "loss", title: str | None = None,
):
    """Draw a loss history on a logarithmic axis (the loss shrinks by orders of magnitude).

    Parameters
    ----------
    ax
        A matplotlib ``Axes``.
    history
        One loss value per epoch; epoch numbers start at 1.
    label
        Legend entry of the curve.
    xlabel, ylabel, title
        Axis labels and the title (``ax.set_title``, not the notes' ``plt.set_tittle``).

    Returns
    -------
    list
        The line drawn, as returned by ``ax.plot``.
    """
    epochs = range(1, len(history) + 1)
    line = ax.plot(epochs, history, label=label)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title is not None:
        ax.set_title(title)
    return line
# --8<-- [end:plot_loss]


# --8<-- [start:surface_torch]
# Chapter 02's exercise: the points lie on y = 2x + 1.
from snippets.linear_model import X_EXERCISE, Y_EXERCISE


def mse_surface_torch(
    ws: Sequence[float],
    bs: Sequence[float],
    x_data: Sequence[float] = X_EXERCISE,
    y_data: Sequence[float] = Y_EXERCISE,
    device: torch.device | str = "cpu",
):
    """Chapter 02's MSE surface of ``y_hat = x * w + b``, computed with PyTorch on any device.

    The same broadcasting as chapter 02's NumPy ``mse_surface``: a new last axis lets every
    grid point meet all N samples.

    Parameters
    ----------
    ws
        The weights of the grid (1-D).
    bs
        The biases of the grid (1-D).
    x_data
        The inputs.
    y_data
        The true outputs.
    device
        Where to compute, e.g. ``"cpu"`` or ``"cuda"``.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(bs), len(ws))``, the layout of ``np.meshgrid(ws, bs)``: rows follow b,
        columns follow w.
    """
    options = {"dtype": torch.float64, "device": device}
    w = torch.as_tensor(ws, **options)
    b = torch.as_tensor(bs, **options)
    x = torch.as_tensor(x_data, **options)
    y = torch.as_tensor(y_data, **options)
    W, B = torch.meshgrid(w, b, indexing="xy")  # "xy": NumPy's layout
    y_hat = W.unsqueeze(-1) * x + B.unsqueeze(-1)  # (rows, cols, 1) * (N,) -> (rows, cols, N)
    Z = ((y_hat - y) ** 2).mean(dim=-1)  # average over the samples
    return Z.cpu().numpy()  # back to the CPU for NumPy and matplotlib
# --8<-- [end:surface_torch]
