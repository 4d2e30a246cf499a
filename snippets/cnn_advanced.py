"""Chapter 11: advanced CNNs, Inception modules and residual blocks.

The lecture's Inception module (four branches concatenated into 88 channels) and the
GoogLeNet-style net built from two of them; the residual block ReLU(x + F(x)), the lecture's
ResNet-style net and a projection shortcut for blocks that change the number of channels;
deep plain and residual stacks whose gradients can be compared layer by layer; BatchNorm and
Dropout; and training that keeps the weights of the epoch with the best accuracy on a
validation split carved out of the 4000 training digits (checkpointed with ``state_dict``).
The exercises add the pre-activation block of He et al. (2016) and a DenseNet block.
"""

from __future__ import annotations

# --8<-- [start:imports]
import copy
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.data import DataLoader, TensorDataset

from snippets import cnn_basics as cb
from snippets import datasets
from snippets import softmax_classifier as sc
# --8<-- [end:imports]

# --8<-- [start:constants]
VALIDATION_PER_DIGIT = 50
"""Training images per digit held out for validation: 500 of the 4000."""
# --8<-- [end:constants]


# --8<-- [start:multiplications]
def conv_multiplications(in_channels: int, out_channels: int, kernel: int, size: int) -> int:
    """Multiplications of a convolution with "same" padding on a size x size image.

    Each of the ``size**2 * out_channels`` outputs is a sum of ``kernel**2 * in_channels``
    products.

    Parameters
    ----------
    in_channels, out_channels
        Channels n and m.
    kernel
        Kernel size k.
    size
        Height and width of the input and of the output.

    Returns
    -------
    int
        k^2 * size^2 * n * m.
    """
    return kernel**2 * size**2 * in_channels * out_channels
# --8<-- [end:multiplications]


# --8<-- [start:inception]
class InceptionA(nn.Module):
    """The lecture's Inception module: four branches side by side, 88 channels out."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.branch1x1 = nn.Conv2d(in_channels, 16, kernel_size=1)

        self.branch5x5_1 = nn.Conv2d(in_channels, 16, kernel_size=1)  # shrink first ...
        self.branch5x5_2 = nn.Conv2d(16, 24, kernel_size=5, padding=2)  # ... then 5x5

        self.branch3x3_1 = nn.Conv2d(in_channels, 16, kernel_size=1)
        self.branch3x3_2 = nn.Conv2d(16, 24, kernel_size=3, padding=1)
        self.branch3x3_3 = nn.Conv2d(24, 24, kernel_size=3, padding=1)

        self.branch_pool = nn.Conv2d(in_channels, 24, kernel_size=1)
        self.out_channels = 16 + 24 + 24 + 24  # 88

    def branches(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The outputs of the four branches, each (N, C_branch, H, W)."""
        b1 = self.branch1x1(x)
        b5 = self.branch5x5_2(self.branch5x5_1(x))
        b3 = self.branch3x3_3(self.branch3x3_2(self.branch3x3_1(x)))
        bp = self.branch_pool(F.avg_pool2d(x, kernel_size=3, stride=1, padding=1))  # keeps H, W
        return [b1, b5, b3, bp]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) to (N, 88, H, W): the branches concatenated along the channels."""
        return torch.cat(self.branches(x), dim=1)  # dim 1: channels
# --8<-- [end:inception]


# --8<-- [start:googlenet]
class GoogLeNet(nn.Module):
    """The lecture's GoogLeNet-style net: conv, Inception, conv, Inception, linear."""

    def __init__(self, image_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.incept1 = InceptionA(in_channels=10)
        self.conv2 = nn.Conv2d(self.incept1.out_channels, 20, kernel_size=5)  # 88 -> 20
        self.incept2 = InceptionA(in_channels=20)
        self.pooling = nn.MaxPool2d(2)
        with torch.no_grad():
            flat = self.features(torch.zeros(1, 1, image_size, image_size)).numel()
        self.fc = nn.Linear(flat, 10)  # flat = 88 * 4 * 4 = 1408

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Images (N, 1, 28, 28) to feature maps (N, 88, 4, 4)."""
        x = F.relu(self.pooling(self.conv1(x)))  # (N, 10, 12, 12)
        x = self.incept1(x)  # (N, 88, 12, 12)
        x = F.relu(self.pooling(self.conv2(x)))  # (N, 20, 4, 4)
        return self.incept2(x)  # (N, 88, 4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images (N, 1, 28, 28) to logits (N, 10)."""
        return self.fc(self.features(x).flatten(start_dim=1))
# --8<-- [end:googlenet]


# --8<-- [start:residual]
class ResidualBlock(nn.Module):
    """The lecture's residual block: ReLU(x + F(x)), F being two 3x3 convolutions."""

    def __init__(self, channels: int, shortcut: bool = True) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)  # keeps H, W
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.shortcut = shortcut  # False: a plain block, the same layers without the "+ x"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) to (N, C, H, W)."""
        y = F.relu(self.conv1(x))
        y = self.conv2(y)  # F(x): no ReLU before the addition
        return F.relu(x + y) if self.shortcut else F.relu(y)
# --8<-- [end:residual]


# --8<-- [start:resnet]
class ResNet(nn.Module):
    """The lecture's ResNet-style net: conv, residual block, conv, residual block, linear."""

    def __init__(self, block: Callable[[int], nn.Module] = ResidualBlock, image_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=5)
        self.conv2 = nn.Conv2d(16, 32, kernel_size=5)
        self.pooling = nn.MaxPool2d(2)
        self.rblock1 = block(16)
        self.rblock2 = block(32)
        self.eval()  # BatchNorm in a block must not learn the statistics of the blank image
        with torch.no_grad():
            flat = self.features(torch.zeros(1, 1, image_size, image_size)).numel()
        self.train()
        self.fc = nn.Linear(flat, 10)  # flat = 32 * 4 * 4 = 512

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Images (N, 1, 28, 28) to feature maps (N, 32, 4, 4)."""
        x = self.pooling(F.relu(self.conv1(x)))  # (N, 16, 12, 12)
        x = self.rblock1(x)
        x = self.pooling(F.relu(self.conv2(x)))  # (N, 32, 4, 4)
        return self.rblock2(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images (N, 1, 28, 28) to logits (N, 10)."""
        return self.fc(self.features(x).flatten(start_dim=1))
# --8<-- [end:resnet]


# --8<-- [start:projection]
class ProjectionBlock(nn.Module):
    """A residual block that changes the channels (or the size): the shortcut is a 1x1 conv."""

    def __init__(self, in_channels: int, out_channels: int, stride: int = 1) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, padding=1)
        self.project = nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C_in, H, W) to (N, C_out, H / stride, W / stride)."""
        y = self.conv2(F.relu(self.conv1(x)))
        return F.relu(self.project(x) + y)  # x itself would not fit: project it
# --8<-- [end:projection]


# --8<-- [start:deep]
class DeepNet(nn.Module):
    """A stack of ``blocks`` blocks of two 3x3 convolutions, with or without shortcuts."""

    def __init__(self, blocks: int, shortcut: bool = True, channels: int = 16) -> None:
        super().__init__()
        self.stem = nn.Conv2d(1, channels, kernel_size=3, padding=1)
        self.blocks = nn.Sequential(*[ResidualBlock(channels, shortcut) for _ in range(blocks)])
        self.fc = nn.Linear(channels, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images (N, 1, 28, 28) to logits (N, 10)."""
        x = F.max_pool2d(F.relu(self.stem(x)), 2)  # (N, C, 14, 14)
        x = self.blocks(x)
        x = x.mean(dim=(2, 3))  # global average pooling: (N, C)
        return self.fc(x)


def gradient_norms(model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> list[float]:
    """The norm of the loss gradient of every convolution's weights, from input to output.

    Parameters
    ----------
    model
        A classifier; its gradients are overwritten.
    images, labels
        One batch, on the model's device.

    Returns
    -------
    list of float
        One norm per ``nn.Conv2d``, in the order the layers were defined.
    """
    model.zero_grad()
    nn.CrossEntropyLoss()(model(images), labels).backward()
    return [m.weight.grad.norm().item() for m in model.modules() if isinstance(m, nn.Conv2d)]
# --8<-- [end:deep]


# --8<-- [start:batchnorm]
class BNResidualBlock(nn.Module):
    """The residual block with batch normalisation after each convolution."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)  # its own shift replaces the conv's bias
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) to (N, C, H, W)."""
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return F.relu(x + y)


class ResNetBN(ResNet):
    """The lecture's ResNet with batch-normalised blocks and dropout before the linear layer."""

    def __init__(self, dropout: float = 0.5) -> None:
        super().__init__(block=BNResidualBlock)
        self.dropout = nn.Dropout(dropout)  # zeroes each input with probability p in train()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images (N, 1, 28, 28) to logits (N, 10)."""
        return self.fc(self.dropout(self.features(x).flatten(start_dim=1)))
# --8<-- [end:batchnorm]


# --8<-- [start:split]
def split_loaders(batch_size: int = 64, seed: int = 0) -> tuple[DataLoader, DataLoader, DataLoader]:
    """Loaders of 3500 training, 500 validation and 1000 test digits, normalised.

    The validation digits (50 of each digit) come out of chapter 09's 4000 training digits;
    the test digits are the same 1000 as in chapters 09 and 10.

    Parameters
    ----------
    batch_size
        Images per training batch (validation and test use one batch each).
    seed
        Seed of the training shuffle. The split itself is always the same.

    Returns
    -------
    tuple of DataLoader
        ``train_loader`` (shuffled), ``val_loader``, ``test_loader``.
    """
    images, labels = datasets.mnist("train")
    rng = np.random.default_rng(0)  # a fixed split, whatever the training seed
    held_out = np.concatenate([rng.permutation(np.flatnonzero(labels.numpy() == digit))[:VALIDATION_PER_DIGIT]
                               for digit in range(10)])
    is_val = torch.zeros(len(labels), dtype=torch.bool)
    is_val[held_out] = True
    x = sc.normalize(images)  # the statistics of all 4000: close enough for 3500
    train_set = TensorDataset(x[~is_val], labels[~is_val])
    val_set = TensorDataset(x[is_val], labels[is_val])
    test_images, test_labels = datasets.mnist("test")
    test_set = TensorDataset(sc.normalize(test_images), test_labels)
    return (DataLoader(train_set, batch_size=batch_size, shuffle=True,
                       generator=torch.Generator().manual_seed(seed)),
            DataLoader(val_set, batch_size=len(val_set)),
            DataLoader(test_set, batch_size=len(test_set)))
# --8<-- [end:split]


# --8<-- [start:fit-best]
def fit_best(
    model: nn.Module,
    train_loader: DataLoader,
    val_loader: DataLoader,
    epochs: int = 20,
    lr: float = 0.01,
    momentum: float = 0.5,
    device: torch.device | str = "cpu",
    checkpoint: str | Path | None = None,
) -> dict:
    """Train, then keep the weights of the epoch with the best validation accuracy.

    Parameters
    ----------
    model
        The classifier; it is moved to ``device`` and ends with the best epoch's weights.
    train_loader, val_loader
        Loaders of ``(images, labels)`` batches.
    epochs
        Passes over the training set.
    lr, momentum
        Hyperparameters of ``torch.optim.SGD``.
    device
        Where to train.
    checkpoint
        If given, a file that receives the best epoch's ``state_dict`` each time it improves.

    Returns
    -------
    dict
        ``loss`` and ``val_accuracy`` of every epoch, ``seconds`` each epoch took, and
        ``best_epoch`` (counted from 1).
    """
    model.to(device)
    criterion = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    history = {"loss": [], "val_accuracy": [], "seconds": [], "best_epoch": 0}
    best_state = None
    for epoch in range(1, epochs + 1):
        started = time.perf_counter()
        history["loss"].append(sc.train_epoch(model, train_loader, criterion, optimizer, device))
        history["val_accuracy"].append(sc.evaluate(model, val_loader, device))  # eval() inside
        history["seconds"].append(time.perf_counter() - started)
        if history["val_accuracy"][-1] > max(history["val_accuracy"][:-1], default=-1.0):
            history["best_epoch"] = epoch
            best_state = copy.deepcopy(model.state_dict())  # a copy: training goes on changing the weights
            if checkpoint is not None:
                torch.save({"epoch": epoch, "model": best_state}, checkpoint)
    model.load_state_dict(best_state)  # back to the best epoch
    return history


def train_best(
    make_model: Callable[[], nn.Module] = cb.Net,
    epochs: int = 20,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[nn.Module, dict]:
    """Train a fresh model with :func:`fit_best` on the split and test its best epoch once.

    Parameters
    ----------
    make_model
        The model class: by default chapter 10's CNN, ``cb.Net``.
    epochs
        Passes over the 3500 training images (55 batches of 64).
    seed
        Seed of the initial weights and of the shuffling.
    device
        Where to train.

    Returns
    -------
    tuple
        The model with the weights of its best epoch, and the history of :func:`fit_best`
        with ``test_accuracy`` of that epoch added.
    """
    torch.manual_seed(seed)
    model = make_model()
    train_loader, val_loader, test_loader = split_loaders(seed=seed)
    history = fit_best(model, train_loader, val_loader, epochs=epochs, device=device)
    history["test_accuracy"] = sc.evaluate(model, test_loader, device)  # the test set, used once
    return model, history
# --8<-- [end:fit-best]


# --8<-- [start:preact]
class PreActBlock(nn.Module):
    """Exercise 11-1: the full pre-activation block of He et al. (2016), x + F(x)."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv1 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)
        self.bn2 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, kernel_size=3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) to (N, C, H, W); nothing comes after the addition."""
        y = self.conv1(F.relu(self.bn1(x)))  # BN and ReLU before each convolution
        y = self.conv2(F.relu(self.bn2(y)))
        return x + y  # the shortcut stays a pure identity
# --8<-- [end:preact]


# --8<-- [start:dense]
class DenseBlock(nn.Module):
    """Exercise 11-2: a DenseNet block; each layer sees the maps of all the layers before it."""

    def __init__(self, in_channels: int, growth: int = 12, layers: int = 3) -> None:
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv2d(in_channels + i * growth, growth, kernel_size=3, padding=1) for i in range(layers)
        )
        self.out_channels = in_channels + layers * growth

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) to (N, C + layers * growth, H, W)."""
        for conv in self.convs:
            x = torch.cat([x, F.relu(conv(x))], dim=1)  # keep everything, add growth channels
        return x


class DenseNet(nn.Module):
    """The lecture's ResNet layout with dense blocks and 1x1 transition convolutions."""

    def __init__(self, growth: int = 12, image_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=5)
        self.dense1 = DenseBlock(16, growth)
        self.conv2 = nn.Conv2d(self.dense1.out_channels, 32, kernel_size=5)
        self.dense2 = DenseBlock(32, growth)
        self.transition = nn.Conv2d(self.dense2.out_channels, 32, kernel_size=1)  # back to 32
        self.pooling = nn.MaxPool2d(2)
        with torch.no_grad():
            flat = self.features(torch.zeros(1, 1, image_size, image_size)).numel()
        self.fc = nn.Linear(flat, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Images (N, 1, 28, 28) to feature maps (N, 32, 4, 4)."""
        x = self.pooling(F.relu(self.conv1(x)))  # (N, 16, 12, 12)
        x = self.dense1(x)  # (N, 52, 12, 12)
        x = self.pooling(F.relu(self.conv2(x)))  # (N, 32, 4, 4)
        return F.relu(self.transition(self.dense2(x)))  # (N, 68, 4, 4) -> (N, 32, 4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images (N, 1, 28, 28) to logits (N, 10)."""
        return self.fc(self.features(x).flatten(start_dim=1))
# --8<-- [end:dense]
