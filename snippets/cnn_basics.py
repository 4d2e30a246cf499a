"""Chapter 10: convolutional neural networks, the basics.

Convolution (PyTorch's cross-correlation) written out in NumPy for one channel and for many,
the output-size formula, max-pooling, and the lecture's network
conv(1 -> 10, 5x5) -> max-pool -> ReLU -> conv(10 -> 20, 5x5) -> max-pool -> ReLU -> 320 -> 10,
whose 320 is measured, not typed. It trains with chapter 09's loaders and training loop
(:mod:`snippets.softmax_classifier`) on the 4000/1000 split of the MNIST sample, on the CPU or
a GPU. The exercise adds a deeper net and a test on shifted digits.
"""

from __future__ import annotations

# --8<-- [start:imports]
from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from snippets import softmax_classifier as sc
# --8<-- [end:imports]

# --8<-- [start:constants]
LECTURE_INPUT = np.array([[3, 4, 6, 5, 7],
                          [2, 4, 6, 8, 2],
                          [1, 6, 7, 8, 4],
                          [9, 7, 4, 6, 2],
                          [3, 7, 5, 4, 1]], dtype=np.float64)
"""The lecture's 5x5 single-channel input."""
LECTURE_KERNEL = np.arange(1, 10, dtype=np.float64).reshape(3, 3)
"""The lecture's 3x3 kernel, 1 to 9 row by row."""
# --8<-- [end:constants]


# --8<-- [start:output-size]
def conv_output_size(size: int, kernel: int, padding: int = 0, stride: int = 1) -> int:
    """Height (or width) after a convolution or pooling: floor((H + 2p - k) / s) + 1.

    Parameters
    ----------
    size
        Input height or width H.
    kernel
        Kernel size k.
    padding
        Zeros added on each side, p.
    stride
        Step between two windows, s.

    Returns
    -------
    int
        The number of window positions along that axis.
    """
    return (size + 2 * padding - kernel) // stride + 1
# --8<-- [end:output-size]


# --8<-- [start:correlate]
def correlate2d(image: np.ndarray, kernel: np.ndarray, padding: int = 0, stride: int = 1) -> np.ndarray:
    """One channel, by hand: slide the kernel over the image and sum the products.

    This is what deep-learning libraries call a convolution; mathematicians call it a
    cross-correlation, because the kernel is not flipped.

    Parameters
    ----------
    image
        Shape (H, W).
    kernel
        Shape (k, k).
    padding
        Zeros added around the image on each side.
    stride
        Step of the window.

    Returns
    -------
    numpy.ndarray
        Shape (H', W') given by :func:`conv_output_size`.
    """
    k = kernel.shape[0]
    padded = np.pad(image, padding)  # zeros all around
    height = conv_output_size(image.shape[0], k, padding, stride)
    width = conv_output_size(image.shape[1], k, padding, stride)
    out = np.zeros((height, width))
    for i in range(height):
        for j in range(width):
            window = padded[i * stride:i * stride + k, j * stride:j * stride + k]
            out[i, j] = (window * kernel).sum()  # elementwise product, then sum
    return out
# --8<-- [end:correlate]


# --8<-- [start:conv2d-by-hand]
def conv2d_by_hand(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None,
                   padding: int = 0, stride: int = 1) -> np.ndarray:
    """Many channels in, many out: what ``nn.Conv2d`` computes for one image.

    Output channel m is the sum over the input channels c of ``x[c]`` correlated with
    ``weight[m, c]``, plus ``bias[m]``.

    Parameters
    ----------
    x
        One image, shape (n, H, W): n input channels.
    weight
        Shape (m, n, k, k): one k x k kernel per (output channel, input channel) pair.
    bias
        Shape (m,), or None.
    padding, stride
        As in :func:`correlate2d`.

    Returns
    -------
    numpy.ndarray
        Shape (m, H', W').
    """
    out = np.stack([
        sum(correlate2d(x[c], weight[m, c], padding, stride) for c in range(x.shape[0]))
        for m in range(weight.shape[0])
    ])
    if bias is not None:
        out += bias[:, None, None]  # one number per output channel
    return out
# --8<-- [end:conv2d-by-hand]


# --8<-- [start:max-pool]
def max_pool_by_hand(image: np.ndarray, size: int = 2) -> np.ndarray:
    """Max-pooling of one channel: the largest value of each size x size block.

    The stride equals the window size, as in ``nn.MaxPool2d(size)``; a last row or column
    that does not fill a block is dropped.

    Parameters
    ----------
    image
        Shape (H, W).
    size
        Width of the square window.

    Returns
    -------
    numpy.ndarray
        Shape (H // size, W // size).
    """
    height, width = image.shape[0] // size, image.shape[1] // size
    blocks = image[:height * size, :width * size].reshape(height, size, width, size)
    return blocks.max(axis=(1, 3))  # the maximum of each block
# --8<-- [end:max-pool]


# --8<-- [start:net]
class Net(nn.Module):
    """The lecture's CNN: two 5x5 convolutions, each followed by max-pooling and ReLU."""

    def __init__(self, image_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, kernel_size=5)
        self.conv2 = nn.Conv2d(10, 20, kernel_size=5)
        self.pooling = nn.MaxPool2d(2)
        with torch.no_grad():  # one blank image tells how many numbers reach the linear layer
            flat = self.features(torch.zeros(1, 1, image_size, image_size)).numel()
        self.fc = nn.Linear(flat, 10)  # flat = 320 for 28x28 images

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The convolutional part: images (N, 1, 28, 28) to feature maps (N, 20, 4, 4)."""
        x = F.relu(self.pooling(self.conv1(x)))  # (N, 10, 12, 12)
        return F.relu(self.pooling(self.conv2(x)))  # (N, 20, 4, 4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images (N, 1, 28, 28) to logits (N, 10)."""
        x = self.features(x)
        return self.fc(x.flatten(start_dim=1))  # (N, 320) -> raw logits (N, 10)
# --8<-- [end:net]


# --8<-- [start:train]
def train_mnist(
    epochs: int = 20,
    make_model: Callable[[], nn.Module] = Net,
    seed: int = 0,
    device: torch.device | str = "cpu",
) -> tuple[nn.Module, dict[str, list[float]]]:
    """Chapter 09's ``train_mnist`` with this chapter's CNN as the default model.

    Same data (4000 training and 1000 test digits, normalised), same loss, optimizer
    (SGD, lr 0.01, momentum 0.5) and batches of 64: only the model changes.

    Parameters
    ----------
    epochs
        Passes over the 4000 training images.
    make_model
        The model class, e.g. ``Net`` or chapter 09's fully connected ``sc.Net``.
    seed
        Seed of the initial weights and of the shuffling.
    device
        Where to train: ``"cpu"``, ``"cuda"`` or a :class:`torch.device`.

    Returns
    -------
    tuple
        The trained model (on ``device``) and its history: the mean training ``loss`` and the
        test ``accuracy`` of every epoch.
    """
    return sc.train_mnist(epochs=epochs, make_model=make_model, seed=seed, device=device)
# --8<-- [end:train]


# --8<-- [start:exercise-net]
class DeeperNet(nn.Module):
    """Exercise 10-1: three convolutions, three poolings and three linear layers."""

    def __init__(self, image_size: int = 28) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)  # keeps 28x28
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.conv3 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.pooling = nn.MaxPool2d(2)
        with torch.no_grad():
            flat = self.features(torch.zeros(1, 1, image_size, image_size)).numel()
        self.fc1 = nn.Linear(flat, 128)  # flat = 64 * 3 * 3 = 576
        self.fc2 = nn.Linear(128, 64)
        self.fc3 = nn.Linear(64, 10)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """Images (N, 1, 28, 28) to feature maps (N, 64, 3, 3)."""
        x = F.relu(self.pooling(self.conv1(x)))  # (N, 16, 14, 14)
        x = F.relu(self.pooling(self.conv2(x)))  # (N, 32, 7, 7)
        return F.relu(self.pooling(self.conv3(x)))  # (N, 64, 3, 3): 7 // 2 = 3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map images (N, 1, 28, 28) to logits (N, 10)."""
        x = self.features(x).flatten(start_dim=1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)
# --8<-- [end:exercise-net]


# --8<-- [start:shift]
def shift_images(images: torch.Tensor, dx: int, dy: int = 0) -> torch.Tensor:
    """Move every image ``dx`` pixels to the right and ``dy`` down, filling with background.

    Parameters
    ----------
    images
        Shape (..., H, W), e.g. uint8 digits (N, 28, 28) with background 0.
    dx, dy
        Shifts in pixels; negative values move left or up.

    Returns
    -------
    torch.Tensor
        Same shape and dtype; pixels pushed over the edge are lost.
    """
    shifted = torch.roll(images, shifts=(dy, dx), dims=(-2, -1))
    if dy > 0:
        shifted[..., :dy, :] = 0  # what came round from the bottom edge
    elif dy < 0:
        shifted[..., dy:, :] = 0
    if dx > 0:
        shifted[..., :dx] = 0
    elif dx < 0:
        shifted[..., dx:] = 0
    return shifted


def shifted_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor,
                     shifts: list[int], device: torch.device | str = "cpu") -> list[float]:
    """Test accuracy of ``model`` on the images shifted right by each of ``shifts`` pixels.

    Parameters
    ----------
    model
        A trained classifier on ``device``.
    images, labels
        uint8 test digits (N, 28, 28) and their classes; they are normalised here.
    shifts
        Horizontal shifts in pixels.
    device
        Where ``model`` lives.

    Returns
    -------
    list of float
        One accuracy per shift.
    """
    return [
        (sc.predict(model, sc.normalize(shift_images(images, dx)), device) == labels).float().mean().item()
        for dx in shifts
    ]
# --8<-- [end:shift]
