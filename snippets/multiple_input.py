"""Chapter 07 · Multiple dimension input: logistic regression with 8 features, then a network.

The data are the course's diabetes table (759 patients × 8 features scaled to [-1, 1], one
0/1 label), read through :mod:`snippets.datasets`. The chapter

* computes ``y_hat = sigmoid(x · w^T + b)`` one sample at a time and then for all samples at
  once as a matrix product (vectorisation);
* shows that linear layers without an activation collapse into a single linear layer;
* trains the 8 → 6 → 4 → 1 network of the lecture (``nn.Linear`` layers with ``nn.Sigmoid``,
  ``BCELoss`` with the mean, full-batch SGD with ``lr=0.1``) on a stratified training split,
  scores it on a validation split after every epoch to choose the number of epochs, and
  measures the test split once, at the chosen epoch;
* compares hidden-layer activations (sigmoid, tanh, ReLU, ...) with the same seed and epochs.

Training functions return histories (lists of floats) instead of printing, and take a
``device`` argument so the figures can train on a GPU.
"""

from __future__ import annotations

# --8<-- [start:imports]
import math

import torch
from torch import nn

from snippets import datasets
# --8<-- [end:imports]

# --8<-- [start:constants]
FEATURES = ("pregnant", "glucose", "diastolic", "triceps", "insulin", "bmi", "pedigree", "age")
"""Names of the 8 feature columns, in order (the column names of the Pima data in the
``faraway`` package; its ``diabetes`` column, the diabetes pedigree function, is called
``pedigree`` here so it is not confused with the label)."""

LONG_EPOCHS = 100_000
"""Epochs of the long training runs behind the chapter's figures, as many as the notes run."""

ACTIVATIONS = ("Sigmoid", "Tanh", "ReLU", "LeakyReLU")
"""Hidden-layer activations compared in the exercise (class names in ``torch.nn``)."""
# --8<-- [end:constants]


def preview(n: int = 5) -> str:
    """The first ``n`` records of the diabetes data as an aligned text table.

    Parameters
    ----------
    n
        Number of rows (records) to show.

    Returns
    -------
    str
        A header with the feature names and the label ``y``, then one line per record with
        every value rounded to 4 decimals.
    """
    x, y = datasets.diabetes()
    header = "".join(f"{name:>10}" for name in FEATURES) + f"{'y':>4}"
    lines = [header]
    for features, label in zip(x[:n].tolist(), y[:n, 0].tolist()):
        values = "".join(f"{value:>10.4f}" for value in features)
        lines.append(f"{values}{label:>4.0f}")
    return "\n".join(lines)


def majority_baseline(y: torch.Tensor) -> float:
    """Accuracy of always predicting the larger class: the bar a classifier must beat.

    Parameters
    ----------
    y
        Labels 0./1., any shape.

    Returns
    -------
    float
        The fraction of the labels that belong to the more frequent class.
    """
    p = y.float().mean().item()
    return max(p, 1 - p)


def constant_prediction_loss(y: torch.Tensor) -> float:
    """The BCE loss of a model that predicts the same probability ``p`` for every sample.

    The best constant is the fraction of ones, ``p = mean(y)``; the loss is then the entropy
    ``-(p ln p + (1 - p) ln(1 - p))`` of the labels.

    Parameters
    ----------
    y
        Labels 0./1. of shape (N, 1).

    Returns
    -------
    float
        The mean binary cross-entropy of predicting ``mean(y)`` everywhere.
    """
    p = y.mean()
    return nn.functional.binary_cross_entropy(torch.full_like(y, p.item()), y).item()


# --8<-- [start:per-sample]
def predict_per_sample(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """y_hat = sigmoid(x_1 w_1 + ... + x_8 w_8 + b), one record at a time in Python.

    Parameters
    ----------
    x
        Features, shape (N, 8).
    w
        Weights, shape (1, 8) (the layout of ``nn.Linear(8, 1).weight``).
    b
        Bias, shape (1,).

    Returns
    -------
    torch.Tensor
        Probabilities, shape (N, 1).
    """
    weights, bias = w.flatten().tolist(), b.item()
    predictions = []
    for record in x.tolist():  # one row (one patient) after the other
        z = bias
        for x_n, w_n in zip(record, weights):  # the 8 features of this record
            z += x_n * w_n
        predictions.append([1 / (1 + math.exp(-z))])  # the sigmoid
    return torch.tensor(predictions)
# --8<-- [end:per-sample]


# --8<-- [start:vectorised]
def predict_vectorised(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """y_hat = sigmoid(X w^T + b) for all N records in one matrix product.

    Parameters
    ----------
    x
        Features, shape (N, 8).
    w
        Weights, shape (1, 8).
    b
        Bias, shape (1,); broadcast to every row.

    Returns
    -------
    torch.Tensor
        Probabilities, shape (N, 1).
    """
    return torch.sigmoid(x @ w.T + b)  # (N, 8) @ (8, 1) + (1,) -> (N, 1)
# --8<-- [end:vectorised]


# --8<-- [start:compose]
def compose_linear(*layers: nn.Linear) -> tuple[torch.Tensor, torch.Tensor]:
    """The single weight and bias that do what the linear layers do one after the other.

    Applying ``x -> x W1^T + b1`` and then ``h -> h W2^T + b2`` equals
    ``x -> x (W2 W1)^T + (b1 W2^T + b2)``: without an activation in between, a stack of
    linear layers is just one linear layer.

    Parameters
    ----------
    layers
        ``nn.Linear`` layers whose sizes chain (out of one = in of the next).

    Returns
    -------
    tuple of torch.Tensor
        ``weight`` of shape (last out, first in) and ``bias`` of shape (last out,).
    """
    weight, bias = layers[0].weight, layers[0].bias
    for layer in layers[1:]:
        weight = layer.weight @ weight  # the later layer multiplies from the left
        bias = layer.weight @ bias + layer.bias
    return weight.detach(), bias.detach()
# --8<-- [end:compose]


# --8<-- [start:model]
class DiabetesNet(nn.Module):
    """The 8 → 6 → 4 → 1 network of the lecture: three linear layers, sigmoid output.

    Parameters
    ----------
    activation
        The class of the nonlinearity between the linear layers (``nn.Sigmoid`` in the
        lecture; the exercise tries others). The output always goes through a sigmoid, so
        the model returns probabilities for ``nn.BCELoss``.
    """

    def __init__(self, activation: type[nn.Module] = nn.Sigmoid) -> None:
        super().__init__()
        self.linear1 = nn.Linear(8, 6)  # 8 features -> 6
        self.linear2 = nn.Linear(6, 4)  # 6 -> 4
        self.linear3 = nn.Linear(4, 1)  # 4 -> 1 number per record
        self.activation = activation()  # nonlinearity between the layers
        self.sigmoid = nn.Sigmoid()  # output: a probability in (0, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Probabilities of label 1 for a batch ``x`` of shape (N, 8); returns (N, 1)."""
        x = self.activation(self.linear1(x))  # (N, 8) -> (N, 6)
        x = self.activation(self.linear2(x))  # (N, 6) -> (N, 4)
        return self.sigmoid(self.linear3(x))  # (N, 4) -> (N, 1)
# --8<-- [end:model]


# --8<-- [start:accuracy]
def accuracy(y_pred: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of records whose predicted class equals the label.

    Parameters
    ----------
    y_pred
        Predicted probabilities of label 1, shape (N, 1); above 0.5 counts as class 1.
    y
        Labels 0./1., shape (N, 1).

    Returns
    -------
    float
        Accuracy between 0 and 1.
    """
    predicted_class = (y_pred > 0.5).float()
    return (predicted_class == y).float().mean().item()
# --8<-- [end:accuracy]


# --8<-- [start:splits]
def split_off(x: torch.Tensor, y: torch.Tensor, fraction: float, seed: int = 0):
    """Split records into two parts, stratified: both parts keep the share of each label.

    Parameters
    ----------
    x, y
        Features (N, 8) and labels (N, 1).
    fraction
        Share of each class that goes into the second part.
    seed
        Seed of the shuffling.

    Returns
    -------
    tuple of torch.Tensor
        ``x_rest, y_rest, x_part, y_part``.
    """
    generator = torch.Generator().manual_seed(seed)
    in_part = torch.zeros(len(y), dtype=torch.bool)
    for label in (0.0, 1.0):
        rows = torch.nonzero(y[:, 0] == label).flatten()
        shuffled = rows[torch.randperm(len(rows), generator=generator)]
        in_part[shuffled[: round(len(rows) * fraction)]] = True
    return x[~in_part], y[~in_part], x[in_part], y[in_part]


def diabetes_splits(seed: int = 0):
    """Training, validation and test records: 60 %, 20 % and 20 % of the 759, stratified.

    Parameters
    ----------
    seed
        Seed of both shuffles.

    Returns
    -------
    tuple of torch.Tensor
        ``x_train, y_train, x_val, y_val, x_test, y_test``.
    """
    x_rest, y_rest, x_test, y_test = datasets.diabetes_split(test_fraction=0.2, seed=seed)
    x_train, y_train, x_val, y_val = split_off(x_rest, y_rest, fraction=0.25, seed=seed)
    return x_train, y_train, x_val, y_val, x_test, y_test
# --8<-- [end:splits]


# --8<-- [start:train]
def train(
    epochs: int = 500,
    lr: float = 0.1,
    activation: type[nn.Module] = nn.Sigmoid,
    optimizer: str = "SGD",
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[DiabetesNet, dict[str, list[float]]]:
    """Train ``DiabetesNet`` full-batch on the training split; score the validation split too.

    Parameters
    ----------
    epochs
        Number of epochs; each is one forward/backward pass over all training records and
        one update.
    lr
        Learning rate.
    activation
        Hidden-layer activation class, passed to ``DiabetesNet``.
    optimizer
        Name of a ``torch.optim`` class (``"SGD"`` as in the lecture).
    seed
        Seed of the initial weights.
    device
        Where the model and the data live.

    Returns
    -------
    tuple
        The trained model and its history: ``train_loss``, ``val_loss``, ``train_acc`` and
        ``val_acc``, one value per epoch, all measured with the weights of that epoch
        (before its update).
    """
    torch.manual_seed(seed)  # same initial weights on every run
    # 1. data: 60 % to learn from, 20 % to choose with; the 20 % test records stay unused
    x_train, y_train, x_val, y_val, _, _ = (t.to(device) for t in diabetes_splits())
    # 2. model
    model = DiabetesNet(activation).to(device)
    # 3. loss and optimizer
    criterion = nn.BCELoss(reduction="mean")
    opt = getattr(torch.optim, optimizer)(model.parameters(), lr=lr)
    # 4. training cycle
    history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    for epoch in range(epochs):
        y_pred = model(x_train)  # forward: all training records at once
        loss = criterion(y_pred, y_train)
        with torch.no_grad():  # the validation records only get scored, never learned from
            y_val_pred = model(x_val)
            history["val_loss"].append(criterion(y_val_pred, y_val).item())
            history["val_acc"].append(accuracy(y_val_pred, y_val))
        history["train_loss"].append(loss.item())
        history["train_acc"].append(accuracy(y_pred, y_train))
        opt.zero_grad()
        loss.backward()  # backward
        opt.step()  # update
    return model, history
# --8<-- [end:train]


# --8<-- [start:long-run]
def long_run(epochs: int = LONG_EPOCHS, lr: float = 0.1, device: torch.device | str = "cpu") -> dict:
    """Train for ``epochs`` epochs, choose the epoch on validation, test that model once.

    While training, the weights of the epoch with the lowest validation loss are kept;
    after training, that model is scored on the test split, the only time the test
    records are used.

    Parameters
    ----------
    epochs
        Number of epochs (the notes run 100 000).
    lr
        Learning rate of SGD (0.1 as in the notes).
    device
        Where to train (``"cuda"`` if you have a GPU).

    Returns
    -------
    dict
        The ``history`` of ``train``, the ``best_epoch`` (counting from 1), and
        ``test_loss`` and ``test_acc`` of the model of that epoch.
    """
    torch.manual_seed(0)
    x_train, y_train, x_val, y_val, x_test, y_test = (t.to(device) for t in diabetes_splits())
    model = DiabetesNet().to(device)
    criterion = nn.BCELoss()
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    history = {"train_loss": [], "val_loss": [], "train_acc": [], "val_acc": []}
    best_loss, best_epoch, best_state = math.inf, 0, None
    for epoch in range(1, epochs + 1):
        y_pred = model(x_train)
        loss = criterion(y_pred, y_train)
        with torch.no_grad():
            y_val_pred = model(x_val)
            val_loss = criterion(y_val_pred, y_val).item()
            if val_loss < best_loss:  # the best epoch so far: remember its weights
                best_loss, best_epoch = val_loss, epoch
                best_state = {k: v.clone() for k, v in model.state_dict().items()}
            history["val_loss"].append(val_loss)
            history["val_acc"].append(accuracy(y_val_pred, y_val))
        history["train_loss"].append(loss.item())
        history["train_acc"].append(accuracy(y_pred, y_train))
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.load_state_dict(best_state)  # back to the chosen epoch
    with torch.no_grad():  # the test split, once
        y_test_pred = model(x_test)
        test_loss = criterion(y_test_pred, y_test).item()
    return {"history": history, "best_epoch": best_epoch, "test_loss": test_loss,
            "test_acc": accuracy(y_test_pred, y_test)}
# --8<-- [end:long-run]


# --8<-- [start:notes-run]
def notes_run(epochs: int = LONG_EPOCHS, device: torch.device | str = "cpu") -> dict[str, list[float]]:
    """The notes' exact setting: all 759 records, no held-out data, ``epochs`` epochs.

    Parameters
    ----------
    epochs
        Number of full-batch epochs (the notes run 100 000).
    device
        Where to train.

    Returns
    -------
    dict
        ``loss`` and ``acc`` on the 759 training records, one value per epoch.
    """
    torch.manual_seed(0)
    x, y = (t.to(device) for t in datasets.diabetes())
    model = DiabetesNet().to(device)
    criterion = nn.BCELoss()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    history = {"loss": [], "acc": []}
    for epoch in range(epochs):
        y_pred = model(x)
        loss = criterion(y_pred, y)
        history["loss"].append(loss.item())
        history["acc"].append(accuracy(y_pred, y))
        opt.zero_grad()
        loss.backward()
        opt.step()
    return history
# --8<-- [end:notes-run]


def epochs_at_baseline(history: dict[str, list[float]]) -> int:
    """How many epochs the training accuracy stays at (or below) the majority baseline.

    Parameters
    ----------
    history
        A history returned by ``train``.

    Returns
    -------
    int
        The number of epochs before the training accuracy first beats the majority baseline
        of the training split (all epochs if it never does).
    """
    _, y_train, _, _, _, _ = diabetes_splits()
    baseline = majority_baseline(y_train)
    for epoch, acc in enumerate(history["train_acc"]):
        if acc > baseline + 1e-6:
            return epoch
    return len(history["train_acc"])


# --8<-- [start:spread]
def spread_per_layer(model: DiabetesNet, x: torch.Tensor) -> list[float]:
    """How different the records still look at each stage of the network.

    For the input and for the outputs of the two hidden layers and of the network, the
    standard deviation across records of every unit, averaged over the units. A small
    value means the network sees (and answers) nearly the same thing for every record.

    Parameters
    ----------
    model
        A ``DiabetesNet``.
    x
        Records of shape (N, 8).

    Returns
    -------
    list of float
        Four spreads: input (8 units), hidden 1 (6), hidden 2 (4), output (1).
    """
    with torch.no_grad():
        hidden1 = model.activation(model.linear1(x))
        hidden2 = model.activation(model.linear2(hidden1))
        output = model.sigmoid(model.linear3(hidden2))
    return [t.std(dim=0).mean().item() for t in (x, hidden1, hidden2, output)]
# --8<-- [end:spread]


# --8<-- [start:compare]
def compare_activations(
    names: tuple[str, ...] = ACTIVATIONS,
    epochs: int = 3000,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> dict[str, dict[str, list[float]]]:
    """Train ``DiabetesNet`` once per hidden activation, all else equal.

    Same seed (so the same initial weights: activations have no parameters), same epochs,
    same SGD with ``lr=0.1``; the output layer keeps its sigmoid.

    Parameters
    ----------
    names
        Class names in ``torch.nn``, e.g. ``("Sigmoid", "Tanh", "ReLU")``.
    epochs, seed, device
        Passed to ``train``.

    Returns
    -------
    dict
        ``{name: history}``.
    """
    return {
        name: train(epochs=epochs, activation=getattr(nn, name), seed=seed, device=device)[1]
        for name in names
    }
# --8<-- [end:compare]
