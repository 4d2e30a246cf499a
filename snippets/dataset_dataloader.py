"""Chapter 08: Dataset and DataLoader.

A custom ``Dataset`` for the diabetes data (loaded once, indexed sample by sample), a
``DataLoader`` that shuffles it reproducibly and cuts it into mini-batches, the two-level
training loop (epochs, then iterations) for the 8-6-4-1 network of chapter 07, a lazily loading
``Dataset`` for data too large for memory, ``random_split`` and a ``collate_fn`` that pads
samples of different lengths, a script entry point that is safe with worker
processes, and the Titanic exercise: preprocessing with training-split statistics, a
``TitanicDataset``, a small network trained with mini-batches, and two baseline rules.
"""

from __future__ import annotations

# --8<-- [start:imports]
import argparse
import statistics
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from snippets import datasets
from snippets.multiple_input import DiabetesNet, accuracy
# --8<-- [end:imports]

TITANIC_FEATURES = (
    "sex", "age", "sibsp", "parch", "fare",
    "pclass_1", "pclass_2", "pclass_3",
    "embarked_C", "embarked_Q", "embarked_S",
)
"""The 11 input columns of the Titanic exercise, in the order ``encode_passenger`` makes them."""

NUMERIC = ("age", "sibsp", "parch", "fare")
"""The Titanic columns that are standardized with the training split's mean and std."""


# --8<-- [start:dataset]
class DiabetesDataset(Dataset):
    """The diabetes data as a map-style dataset: sample ``i`` is ``(features[i], label[i])``."""

    def __init__(self) -> None:
        # Load everything once; the file is small, so all 759 rows stay in memory.
        self.x_data, self.y_data = datasets.diabetes()  # (759, 8) and (759, 1)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        # One sample: a feature vector of shape (8,) and a label of shape (1,).
        return self.x_data[index], self.y_data[index]

    def __len__(self) -> int:
        return len(self.x_data)  # the number of samples
# --8<-- [end:dataset]


# --8<-- [start:loader]
def make_loader(
    dataset: Dataset,
    batch_size: int = 32,
    shuffle: bool = True,
    seed: int = 0,
    num_workers: int = 0,
) -> DataLoader:
    """A ``DataLoader`` whose shuffling is reproducible.

    Parameters
    ----------
    dataset
        Any map-style dataset (``__getitem__`` and ``__len__``).
    batch_size
        Samples per mini-batch; the last batch of an epoch may be smaller.
    shuffle
        Draw a new random order at the start of every epoch.
    seed
        Seed of the loader's own random generator, which decides the order.
    num_workers
        Worker processes that load batches in parallel (0: load in the main process).

    Returns
    -------
    DataLoader
        Iterating over it yields ``(inputs, labels)`` batches.
    """
    return DataLoader(
        dataset,
        batch_size=batch_size,
        shuffle=shuffle,
        generator=torch.Generator().manual_seed(seed),  # same order on every run
        num_workers=num_workers,  # 0: load the batches in the main process
        persistent_workers=num_workers > 0,  # keep workers alive from epoch to epoch
    )
# --8<-- [end:loader]


# --8<-- [start:evaluate]
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    """Mean binary cross-entropy and accuracy of a sigmoid-output model on ``x``, ``y``.

    Parameters
    ----------
    model
        A model whose outputs are probabilities, shape (N, 1).
    x, y
        Inputs (N, features) and 0/1 labels (N, 1), moved to the model's device here.

    Returns
    -------
    tuple of float
        ``(loss, accuracy)``; a prediction counts as 1 when its probability is > 0.5.
    """
    device = next(model.parameters()).device
    x, y = x.to(device), y.to(device)
    with torch.no_grad():
        y_pred = model(x)
        loss = nn.functional.binary_cross_entropy(y_pred, y).item()
    return loss, accuracy(y_pred, y)  # chapter 07: a probability > 0.5 counts as class 1
# --8<-- [end:evaluate]


# --8<-- [start:train]
def train_diabetes(
    epochs: int = 300,
    batch_size: int = 32,
    lr: float = 0.1,
    seed: int = 0,
    num_workers: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[nn.Module, dict[str, list[float]]]:
    """Train chapter 07's 8-6-4-1 network on the diabetes data with mini-batches.

    Parameters
    ----------
    epochs
        Passes over the whole data set.
    batch_size
        Samples per update; ``len(dataset)`` (759) gives full-batch gradient descent.
    lr
        Learning rate of SGD.
    seed
        Seed of the initial weights and of the shuffling.
    num_workers
        Worker processes of the ``DataLoader``.
    device
        Where the model lives; every batch is moved there.

    Returns
    -------
    tuple
        The trained model and a history with the ``loss`` and ``accuracy`` on all 759
        samples after every epoch.
    """
    torch.manual_seed(seed)  # same initial weights as chapter 07 for the same seed
    model = DiabetesNet().to(device)
    dataset = DiabetesDataset()
    loader = make_loader(dataset, batch_size, seed=seed, num_workers=num_workers)
    criterion = nn.BCELoss()  # mean over the samples of the batch
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):  # one epoch: every sample once
        for inputs, labels in loader:  # one iteration: one mini-batch, one update
            inputs, labels = inputs.to(device), labels.to(device)
            y_pred = model(inputs)  # forward
            loss = criterion(y_pred, labels)
            optimizer.zero_grad()  # backward
            loss.backward()
            optimizer.step()  # update
        loss, acc = evaluate(model, dataset.x_data, dataset.y_data)  # after this epoch
        history["loss"].append(loss)
        history["accuracy"].append(acc)
    return model, history
# --8<-- [end:train]


# --8<-- [start:full-batch]
def train_full_batch(
    updates: int = 7200, lr: float = 0.1, seed: int = 0, device: torch.device | str = "cpu"
) -> dict[str, list[float]]:
    """Full-batch gradient descent on all 759 samples, without a ``DataLoader``.

    The loop of chapter 07 (one update per epoch, the whole data set as one tensor), here on
    all samples so that it can be compared with ``train_diabetes``.

    Parameters
    ----------
    updates
        Number of updates (= epochs).
    lr
        Learning rate of SGD.
    seed
        Seed of the initial weights (the same seed gives ``train_diabetes`` the same start).
    device
        Where the model and the data live.

    Returns
    -------
    dict
        ``loss`` and ``accuracy`` on all samples after every update.
    """
    torch.manual_seed(seed)
    model = DiabetesNet().to(device)
    x, y = (t.to(device) for t in datasets.diabetes())
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    history = {"loss": [], "accuracy": []}
    for update in range(updates):
        loss = criterion(model(x), y)  # all 759 samples at once
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        loss, acc = evaluate(model, x, y)  # after this update
        history["loss"].append(loss)
        history["accuracy"].append(acc)
    return history
# --8<-- [end:full-batch]


# --8<-- [start:lazy]
def write_sample_files(folder: str | Path) -> int:
    """Store every diabetes sample as its own small ``.npy`` file in ``folder``.

    This imitates a data set too large for memory: many files on disk, e.g. one per image.

    Parameters
    ----------
    folder
        An existing directory.

    Returns
    -------
    int
        The number of files written.
    """
    x, y = datasets.diabetes()
    rows = torch.cat([x, y], dim=1).numpy()  # 9 numbers per sample: 8 features + label
    for i, row in enumerate(rows):
        np.save(Path(folder) / f"{i:05d}.npy", row)
    return len(rows)


class LazyDiabetesDataset(Dataset):
    """Reads one sample file per ``__getitem__``: only file names are kept in memory."""

    def __init__(self, folder: str | Path) -> None:
        self.files = sorted(Path(folder).glob("*.npy"))  # cheap: names, not contents

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        row = torch.from_numpy(np.load(self.files[index]))  # read from disk now
        return row[:-1], row[-1:]  # features (8,), label (1,)

    def __len__(self) -> int:
        return len(self.files)
# --8<-- [end:lazy]


# --8<-- [start:collate]
def pad_collate(batch: list[tuple[torch.Tensor, torch.Tensor]]):
    """Collate samples of different lengths: pad them to the longest, keep the true lengths.

    Parameters
    ----------
    batch
        The samples the loader fetched: ``(sequence, label)`` pairs, each sequence a 1-D
        tensor of its own length.

    Returns
    -------
    tuple of torch.Tensor
        ``padded`` of shape (B, longest), zeros after the end of each sequence; ``lengths``
        of shape (B,); ``labels`` stacked to shape (B,).
    """
    sequences, labels = zip(*batch)  # B sequences, B labels
    lengths = torch.tensor([len(seq) for seq in sequences])
    padded = nn.utils.rnn.pad_sequence(list(sequences), batch_first=True)  # pads with 0
    return padded, lengths, torch.stack(labels)
# --8<-- [end:collate]


# --8<-- [start:split]
def split_rows(
    rows: list[dict], test_fraction: float = 0.2, seed: int = 0, key: str = "survived"
) -> tuple[list[dict], list[dict]]:
    """A reproducible stratified split: the same share of each class in both parts.

    Parameters
    ----------
    rows
        The records to split, e.g. ``datasets.titanic_rows()``.
    test_fraction
        Share of each class that goes to the test part.
    seed
        Seed of the shuffle.
    key
        The field whose values define the classes.

    Returns
    -------
    tuple of list
        ``(train_rows, test_rows)``.
    """
    generator = torch.Generator().manual_seed(seed)
    train_rows, test_rows = [], []
    for value in sorted({row[key] for row in rows}):  # "0" (died), then "1" (survived)
        group = [row for row in rows if row[key] == value]
        order = torch.randperm(len(group), generator=generator).tolist()
        n_test = round(len(group) * test_fraction)
        test_rows += [group[i] for i in order[:n_test]]
        train_rows += [group[i] for i in order[n_test:]]
    return train_rows, test_rows
# --8<-- [end:split]


# --8<-- [start:preprocess]
def fit_preprocessing(train_rows: list[dict]) -> dict:
    """Learn, from the training rows only, everything that preprocessing needs.

    Parameters
    ----------
    train_rows
        Passenger records of the training split.

    Returns
    -------
    dict
        ``age`` and ``fare``: medians that replace missing values; ``embarked``: the most
        common port; ``mean`` and ``std``: tensors of the ``NUMERIC`` columns after filling.
    """
    stats = {
        "age": statistics.median(float(r["age"]) for r in train_rows if r["age"] is not None),
        "fare": statistics.median(float(r["fare"]) for r in train_rows if r["fare"] is not None),
        "embarked": statistics.mode(r["embarked"] for r in train_rows if r["embarked"] is not None),
    }
    numeric = torch.tensor([[_filled(r, name, stats) for name in NUMERIC] for r in train_rows])
    stats["mean"], stats["std"] = numeric.mean(dim=0), numeric.std(dim=0)
    return stats


def _filled(row: dict, name: str, stats: dict) -> float:
    """The numeric value of ``row[name]``, or the training median when it is missing."""
    value = row[name]
    return stats[name] if value is None else float(value)


def encode_passenger(row: dict, stats: dict) -> list[float]:
    """Turn one passenger record into the 11 numbers of ``TITANIC_FEATURES``.

    Parameters
    ----------
    row
        A record from ``datasets.titanic_rows()``.
    stats
        The result of ``fit_preprocessing`` on the training rows.

    Returns
    -------
    list of float
        sex (female 1, male 0), the standardized age, sibsp, parch and fare, then the
        one-hot columns of the class (1, 2, 3) and the port (C, Q, S).
    """
    numeric = torch.tensor([_filled(row, name, stats) for name in NUMERIC])
    standardized = ((numeric - stats["mean"]) / stats["std"]).tolist()
    port = row["embarked"] or stats["embarked"]  # 2 passengers have no port
    return (
        [1.0 if row["sex"] == "female" else 0.0]
        + standardized
        + [1.0 if row["pclass"] == c else 0.0 for c in ("1", "2", "3")]
        + [1.0 if port == p else 0.0 for p in ("C", "Q", "S")]
    )
# --8<-- [end:preprocess]


# --8<-- [start:titanic-dataset]
class TitanicDataset(Dataset):
    """Passengers as model inputs: sample ``i`` is ``(11 features, survived)``."""

    def __init__(self, rows: list[dict], stats: dict) -> None:
        # Encode every passenger once, with the statistics of the TRAINING split.
        self.x_data = torch.tensor([encode_passenger(r, stats) for r in rows])
        self.y_data = torch.tensor([[float(r["survived"])] for r in rows])

    def __getitem__(self, index: int) -> tuple[torch.Tensor, torch.Tensor]:
        return self.x_data[index], self.y_data[index]

    def __len__(self) -> int:
        return len(self.x_data)
# --8<-- [end:titanic-dataset]


# --8<-- [start:baselines]
def baseline_accuracies(rows: list[dict]) -> dict[str, float]:
    """Accuracy of two rules that need no learning, on the records ``rows``.

    Returns
    -------
    dict
        ``"everyone dies"``: predict 0 for every passenger; ``"women survive"``: predict 1
        exactly for the women.
    """
    survived = [r["survived"] == "1" for r in rows]
    female = [r["sex"] == "female" for r in rows]
    return {
        "everyone dies": sum(not s for s in survived) / len(rows),
        "women survive": sum(s == f for s, f in zip(survived, female)) / len(rows),
    }
# --8<-- [end:baselines]


# --8<-- [start:titanic-model]
class TitanicModel(nn.Module):
    """11 features -> 8 hidden units (ReLU) -> probability of survival (sigmoid)."""

    def __init__(self, n_features: int = len(TITANIC_FEATURES), hidden: int = 8) -> None:
        super().__init__()
        self.linear1 = nn.Linear(n_features, hidden)
        self.linear2 = nn.Linear(hidden, 1)
        self.relu = nn.ReLU()
        self.sigmoid = nn.Sigmoid()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.sigmoid(self.linear2(self.relu(self.linear1(x))))
# --8<-- [end:titanic-model]


# --8<-- [start:titanic-train]
def train_titanic(
    epochs: int = 50,
    batch_size: int = 32,
    lr: float = 0.1,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> dict:
    """Split, preprocess and train the Titanic survival classifier.

    Parameters
    ----------
    epochs
        Passes over the training split.
    batch_size
        Samples per update.
    lr
        Learning rate of SGD.
    seed
        Seed of the split, the initial weights and the shuffling.
    device
        Where the model lives.

    Returns
    -------
    dict
        ``model``; ``train_accuracy`` and ``test_accuracy`` after every epoch;
        ``baselines`` of the two rules on the test split; ``stats`` of the preprocessing.
    """
    train_rows, test_rows = split_rows(datasets.titanic_rows(), seed=seed)
    stats = fit_preprocessing(train_rows)  # medians, mode, mean, std: training split only
    train_set = TitanicDataset(train_rows, stats)
    test_set = TitanicDataset(test_rows, stats)  # same statistics, never its own
    loader = make_loader(train_set, batch_size, seed=seed)

    torch.manual_seed(seed)
    model = TitanicModel().to(device)
    criterion = nn.BCELoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    result = {"train_accuracy": [], "test_accuracy": []}
    for epoch in range(epochs):
        for inputs, labels in loader:
            inputs, labels = inputs.to(device), labels.to(device)
            loss = criterion(model(inputs), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        result["train_accuracy"].append(evaluate(model, train_set.x_data, train_set.y_data)[1])
        result["test_accuracy"].append(evaluate(model, test_set.x_data, test_set.y_data)[1])
    result.update(model=model, baselines=baseline_accuracies(test_rows), stats=stats)
    return result
# --8<-- [end:titanic-train]


# --8<-- [start:titanic-splits]
def titanic_over_splits(
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4), epochs: int = 50, device: torch.device | str = "cpu"
) -> list[dict[str, float]]:
    """Train on several random splits and compare the network with the two rules on each.

    Parameters
    ----------
    seeds
        One split (and one initialization) per seed.
    epochs
        Passes over each training split.
    device
        Where the models live.

    Returns
    -------
    list of dict
        Per seed: ``seed``, the final ``network`` test accuracy and the two baselines.
    """
    rows = []
    for seed in seeds:
        result = train_titanic(epochs=epochs, seed=seed, device=device)
        rows.append({"seed": seed, "network": result["test_accuracy"][-1], **result["baselines"]})
    return rows
# --8<-- [end:titanic-splits]


# --8<-- [start:main]
def main(argv: list[str] | None = None) -> None:
    """Train the diabetes model from the command line, loading batches in worker processes.

    Run it as ``python -m snippets.dataset_dataloader --workers 2``.
    """
    parser = argparse.ArgumentParser(description="Chapter 08: mini-batch training")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=300)
    args = parser.parse_args(argv)
    model, history = train_diabetes(epochs=args.epochs, num_workers=args.workers)
    print(f"{args.workers} workers, {args.epochs} epochs: loss {history['loss'][-1]:.4f}, "
          f"accuracy {history['accuracy'][-1]:.4f}")


if __name__ == "__main__":  # required when workers are started by spawn (Windows, macOS)
    main()
# --8<-- [end:main]
