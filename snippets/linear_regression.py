"""Chapter 05: linear regression with PyTorch.

The four-step "PyTorch fashion" (prepare the data, design the model as an ``nn.Module``,
construct a loss and an optimizer, run the training cycle), a comparison of the optimizers in
``torch.optim`` on the same problem, and a multi-output regression (apples and oranges from
temperature, rainfall and humidity), first by hand and then with ``nn.Linear`` and a
``DataLoader``.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset
# --8<-- [end:imports]

OPTIMIZERS = ("SGD", "Adagrad", "Adam", "Adamax", "ASGD", "LBFGS", "RMSprop", "Rprop")
"""The optimizers compared in the exercise, in the order of the course notes."""

REGIONS = ("Kanto", "Johto", "Hoenn", "Sinnoh", "Unova")
"""The five regions of the apples-and-oranges data, in row order."""


# --8<-- [start:data]
def make_data(device: torch.device | str = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """The three training samples (1, 2), (2, 4), (3, 6) as column tensors.

    Parameters
    ----------
    device
        Where the tensors are created.

    Returns
    -------
    tuple of torch.Tensor
        ``x_data`` and ``y_data``, each of shape (3, 1): 3 samples, 1 feature each.
    """
    x_data = torch.tensor([[1.0], [2.0], [3.0]], device=device)
    y_data = torch.tensor([[2.0], [4.0], [6.0]], device=device)
    return x_data, y_data
# --8<-- [end:data]


# --8<-- [start:model]
class LinearModel(nn.Module):
    """The model y_pred = x * w + b, with one input feature and one output."""

    def __init__(self) -> None:
        super().__init__()  # let nn.Module set up its bookkeeping first
        self.linear = nn.Linear(1, 1)  # owns weight (1, 1) and bias (1,)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Compute the predictions for a batch ``x`` of shape (N, 1)."""
        return self.linear(x)
# --8<-- [end:model]


# --8<-- [start:train]
def train_linear_model(
    epochs: int = 1000,
    lr: float = 0.01,
    reduction: str = "sum",
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[LinearModel, list[float]]:
    """Fit ``LinearModel`` to the three samples with the four steps of the PyTorch fashion.

    Parameters
    ----------
    epochs
        Number of passes over the (tiny) data set; here one update per epoch.
    lr
        Learning rate of the SGD optimizer.
    reduction
        ``"sum"`` (as in the course) or ``"mean"``, passed to ``nn.MSELoss``.
    seed
        Seed of the random initial weight and bias.
    device
        Where the model and the data live.

    Returns
    -------
    tuple
        The trained model and the loss of every epoch (computed before that epoch's update).
    """
    torch.manual_seed(seed)  # same initial w and b on every run
    # 1. prepare the data
    x_data, y_data = make_data(device)
    # 2. design the model
    model = LinearModel().to(device)
    # 3. construct the loss and the optimizer
    criterion = nn.MSELoss(reduction=reduction)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    # 4. training cycle: forward, backward, update
    losses = []
    for epoch in range(epochs):
        y_pred = model(x_data)  # forward: predictions of the whole batch
        loss = criterion(y_pred, y_data)  # a 0-dimensional tensor
        losses.append(loss.item())  # .item() turns it into a Python float
        optimizer.zero_grad()  # clear the gradients of the previous epoch
        loss.backward()  # backward: fill w.grad and b.grad
        optimizer.step()  # update: w -= lr * w.grad, b -= lr * b.grad
    return model, losses
# --8<-- [end:train]


# --8<-- [start:predict]
def predict(model: nn.Module, x: float) -> float:
    """The model's prediction for a single input value ``x``.

    Parameters
    ----------
    model
        A trained model with one input and one output.
    x
        The input value, e.g. 4.0.

    Returns
    -------
    float
        The predicted y.
    """
    device = next(model.parameters()).device
    x_test = torch.tensor([[x]], device=device)  # shape (1, 1): a batch of one sample
    with torch.no_grad():  # no graph needed just to predict
        y_test = model(x_test)
    return y_test.item()
# --8<-- [end:predict]


def parameters(model: LinearModel) -> tuple[float, float]:
    """The weight and the bias of a ``LinearModel`` as Python floats.

    Parameters
    ----------
    model
        A ``LinearModel``.

    Returns
    -------
    tuple of float
        ``(w, b)``.
    """
    return model.linear.weight.item(), model.linear.bias.item()


# --8<-- [start:compare]
def make_optimizer(name: str, params, lr: float = 0.01) -> torch.optim.Optimizer:
    """Create the optimizer called ``name`` (a class of ``torch.optim``) for ``params``.

    LBFGS gets its default learning rate 1: it is a quasi-Newton method whose steps are
    already scaled by the curvature, and ``lr`` only shrinks them.
    """
    if name == "LBFGS":
        return torch.optim.LBFGS(params, lr=1.0)
    return getattr(torch.optim, name)(params, lr=lr)


def train_with_optimizer(
    name: str,
    epochs: int = 1000,
    lr: float = 0.01,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> dict:
    """Train ``LinearModel`` on the three samples with the optimizer called ``name``.

    Every optimizer gets the same data, the same initial weights (same seed) and the same
    summed MSE loss. The loss is computed in a closure, the form LBFGS requires and every
    other optimizer accepts.

    Parameters
    ----------
    name
        A name from ``OPTIMIZERS``.
    epochs
        Number of ``optimizer.step(closure)`` calls.
    lr
        Learning rate (ignored by LBFGS, see ``make_optimizer``).
    seed
        Seed of the initial weights.
    device
        Where the model and the data live.

    Returns
    -------
    dict
        ``name``, final ``w``, ``b`` and ``loss``, the per-epoch ``losses`` and
        ``evaluations``, the number of times the loss was computed (closure calls).
    """
    torch.manual_seed(seed)
    x_data, y_data = make_data(device)
    model = LinearModel().to(device)
    criterion = nn.MSELoss(reduction="sum")
    optimizer = make_optimizer(name, model.parameters(), lr)
    evaluations = 0

    def closure() -> torch.Tensor:
        nonlocal evaluations
        evaluations += 1
        optimizer.zero_grad()
        loss = criterion(model(x_data), y_data)
        loss.backward()
        return loss

    losses = []
    for epoch in range(epochs):
        loss = optimizer.step(closure)  # LBFGS may call closure() several times here
        losses.append(loss.item())
    with torch.no_grad():
        final_loss = criterion(model(x_data), y_data).item()
    w, b = parameters(model)
    return {"name": name, "w": w, "b": b, "loss": final_loss, "losses": losses,
            "evaluations": evaluations}


def compare_optimizers(
    epochs: int = 1000, lr: float = 0.01, seed: int = 0, device: torch.device | str = "cpu"
) -> list[dict]:
    """Run ``train_with_optimizer`` for every name in ``OPTIMIZERS``.

    Parameters
    ----------
    epochs, lr, seed, device
        Passed to ``train_with_optimizer``.

    Returns
    -------
    list of dict
        One result per optimizer, in the order of ``OPTIMIZERS``.
    """
    return [train_with_optimizer(name, epochs, lr, seed, device) for name in OPTIMIZERS]
# --8<-- [end:compare]


def _fixed(value: float) -> str:
    """``value`` with 4 decimals, without the distracting ``-0.0000``."""
    text = f"{value:.4f}"
    return "0.0000" if text == "-0.0000" else text


def format_table(results: list[dict]) -> str:
    """An aligned text table of optimizer results: final w, b, loss and loss evaluations.

    Parameters
    ----------
    results
        The list returned by ``compare_optimizers``.

    Returns
    -------
    str
        One header line and one line per optimizer.
    """
    lines = [f"{'optimizer':<10}{'w':>8}{'b':>9}{'loss':>11}{'evals':>7}"]
    for r in results:
        lines.append(
            f"{r['name']:<10}{_fixed(r['w']):>8}{_fixed(r['b']):>9}"
            f"{r['loss']:>11.2e}{r['evaluations']:>7}"
        )
    return "\n".join(lines)


def lbfgs_evaluations(lr: float = 0.01, steps: int = 3, seed: int = 0) -> list[int]:
    """How many times LBFGS computes the loss inside each of its first ``steps`` steps.

    Parameters
    ----------
    lr
        LBFGS learning rate (the course notes use 0.01; the default of PyTorch is 1).
    steps
        Number of ``optimizer.step(closure)`` calls.
    seed
        Seed of the initial weights.

    Returns
    -------
    list of int
        Closure calls per step.
    """
    torch.manual_seed(seed)
    x_data, y_data = make_data()
    model = LinearModel()
    criterion = nn.MSELoss(reduction="sum")
    optimizer = torch.optim.LBFGS(model.parameters(), lr=lr)
    calls = 0

    def closure() -> torch.Tensor:
        nonlocal calls
        calls += 1
        optimizer.zero_grad()
        loss = criterion(model(x_data), y_data)
        loss.backward()
        return loss

    counts = []
    for step in range(steps):
        before = calls
        optimizer.step(closure)
        counts.append(calls - before)
    return counts


# --8<-- [start:fruit-data]
def fruit_data() -> tuple[torch.Tensor, torch.Tensor]:
    """Climate of five regions and their harvest of apples and oranges.

    Returns
    -------
    tuple of torch.Tensor
        ``inputs`` of shape (5, 3): temperature (F), rainfall (mm), humidity (%);
        ``targets`` of shape (5, 2): apples and oranges (tons).
    """
    # inputs: temperature, rainfall, humidity
    inputs = np.array([[73, 67, 43],
                       [91, 88, 64],
                       [87, 134, 58],
                       [102, 43, 37],
                       [69, 96, 70]], dtype="float32")
    # targets: apples, oranges (a second name, so the inputs are not overwritten)
    targets = np.array([[56, 70],
                        [81, 101],
                        [119, 133],
                        [22, 37],
                        [103, 119]], dtype="float32")
    return torch.from_numpy(inputs), torch.from_numpy(targets)
# --8<-- [end:fruit-data]


# --8<-- [start:mse]
def mse(t1: torch.Tensor, t2: torch.Tensor) -> torch.Tensor:
    """Mean squared error: the average of the squared differences of all elements."""
    diff = t1 - t2
    return torch.sum(diff * diff) / diff.numel()
# --8<-- [end:mse]


# --8<-- [start:by-hand]
def fit_fruit_by_hand(epochs: int = 100, lr: float = 1e-5, seed: int = 0) -> dict:
    """Fit yield = x @ w.T + b with hand-made parameters and a hand-written update.

    Parameters
    ----------
    epochs
        Number of full-batch gradient steps.
    lr
        Learning rate; the raw features are large, so it must be tiny.
    seed
        Seed of the random initial ``w`` and ``b``.

    Returns
    -------
    dict
        ``w`` (2, 3) and ``b`` (2,) after training, ``losses`` (loss before each epoch's
        update) and ``final_loss`` (after the last update).
    """
    torch.manual_seed(seed)
    inputs, targets = fruit_data()
    w = torch.randn(2, 3, requires_grad=True)  # one row of weights per fruit
    b = torch.randn(2, requires_grad=True)  # one bias per fruit

    def model(x: torch.Tensor) -> torch.Tensor:
        return x @ w.T + b  # (5, 3) @ (3, 2) + (2,) -> (5, 2)

    losses = []
    for epoch in range(epochs):
        preds = model(inputs)  # 1. predict
        loss = mse(preds, targets)  # 2. measure the error
        loss.backward()  # 3. gradients of the loss w.r.t. w and b
        with torch.no_grad():  # 4. update; autograd must not record this
            w -= w.grad * lr
            b -= b.grad * lr
            w.grad.zero_()  # 5. reset the gradients, or they add up
            b.grad.zero_()
        losses.append(loss.item())
    with torch.no_grad():
        final_loss = mse(model(inputs), targets).item()
    return {"w": w.detach(), "b": b.detach(), "losses": losses, "final_loss": final_loss}
# --8<-- [end:by-hand]


# --8<-- [start:fit-linear]
def fit_fruit_linear(
    epochs: int = 100,
    lr: float = 1e-5,
    batch_size: int = 2,
    standardize: bool = False,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[nn.Linear, list[float]]:
    """Fit the fruit data with ``nn.Linear(3, 2)``, a ``DataLoader`` and SGD.

    Parameters
    ----------
    epochs
        Passes over the data; each pass makes ceil(5 / batch_size) updates.
    lr
        Learning rate of SGD.
    batch_size
        Samples per mini-batch.
    standardize
        Rescale every input column to mean 0 and standard deviation 1 first.
    seed
        Seed of the initial weights and of the shuffling.
    device
        Where the model and the data live.

    Returns
    -------
    tuple
        The trained layer and the loss on all five samples before training and after
        every epoch (``epochs + 1`` values).
    """
    torch.manual_seed(seed)
    inputs, targets = fruit_data()
    if standardize:  # every column: mean 0, standard deviation 1
        inputs = (inputs - inputs.mean(dim=0)) / inputs.std(dim=0)
    inputs, targets = inputs.to(device), targets.to(device)
    dataset = TensorDataset(inputs, targets)  # sample i is (inputs[i], targets[i])
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    model = nn.Linear(3, 2).to(device)  # weight (2, 3), bias (2,)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)

    def full_loss() -> float:
        with torch.no_grad():
            return F.mse_loss(model(inputs), targets).item()

    losses = [full_loss()]
    for epoch in range(epochs):
        for xb, yb in loader:  # a new random order every epoch
            loss = F.mse_loss(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        losses.append(full_loss())
    return model, losses
# --8<-- [end:fit-linear]


def least_squares_loss() -> float:
    """The smallest MSE any linear model (with bias) reaches on the fruit data.

    Solved exactly with ``torch.linalg.lstsq`` in double precision.

    Returns
    -------
    float
        The mean squared error of the least-squares solution.
    """
    inputs, targets = fruit_data()
    design = torch.cat([inputs, torch.ones(len(inputs), 1)], dim=1).double()
    solution = torch.linalg.lstsq(design, targets.double()).solution
    return F.mse_loss(design @ solution, targets.double()).item()


# --8<-- [start:sine]
def fit_sine_polynomial(
    steps: int = 2000, lr: float = 1e-3, seed: int = 0, device: torch.device | str = "cpu"
) -> tuple[list[float], list[float]]:
    """Fit y = a + b x + c x^2 + d x^3 to sin(x) on [-pi, pi] with ``nn.Linear(3, 1)``.

    Parameters
    ----------
    steps
        Number of full-batch RMSprop steps.
    lr
        Learning rate of RMSprop.
    seed
        Seed of the initial weights.
    device
        Where the model and the data live.

    Returns
    -------
    tuple of list
        The coefficients ``[a, b, c, d]`` and the loss of every step.
    """
    torch.manual_seed(seed)
    x = torch.linspace(-math.pi, math.pi, 2000, device=device).unsqueeze(1)  # (2000, 1)
    y = torch.sin(x)
    features = torch.cat([x, x**2, x**3], dim=1)  # (2000, 3): a linear model in x, x², x³
    model = nn.Linear(3, 1).to(device)
    criterion = nn.MSELoss(reduction="sum")
    optimizer = torch.optim.RMSprop(model.parameters(), lr=lr)
    losses = []
    for step in range(steps):
        loss = criterion(model(features), y)
        losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    coefficients = [model.bias.item(), *model.weight.squeeze(0).tolist()]
    return coefficients, losses
# --8<-- [end:sine]
