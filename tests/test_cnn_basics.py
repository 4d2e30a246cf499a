"""Tests of snippets/cnn_basics.py (chapter 10)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from docbuild import runs
from snippets import cnn_basics as cb
from snippets import datasets
from snippets import softmax_classifier as sc

# The runs of the chapter's figures (scripts/figures/ch10_cnn_basics.py): same calls, same cache.
EPOCHS, SEEDS, SHIFTS = 20, (0, 1, 2), list(range(7))


# ---------------------------------------------------------------- convolution by hand


@pytest.mark.parametrize(("size", "kernel", "padding", "stride", "expected"), [
    (5, 3, 0, 1, 3), (5, 3, 1, 1, 5), (5, 3, 0, 2, 2), (100, 3, 0, 1, 98), (28, 5, 0, 1, 24),
    (24, 2, 0, 2, 12), (7, 2, 0, 2, 3), (28, 3, 1, 2, 14),
])
def test_conv_output_size_is_the_formula_and_matches_pytorch(size, kernel, padding, stride, expected):
    assert cb.conv_output_size(size, kernel, padding, stride) == expected
    out = F.conv2d(torch.zeros(1, 1, size, size), torch.zeros(1, 1, kernel, kernel), padding=padding,
                   stride=stride)
    assert out.shape[-1] == expected


def test_the_lecture_example_by_hand():
    out = cb.correlate2d(cb.LECTURE_INPUT, cb.LECTURE_KERNEL)
    assert out.tolist() == [[211, 295, 262], [259, 282, 214], [251, 253, 169]]
    assert out[0, 0] == (cb.LECTURE_INPUT[:3, :3] * cb.LECTURE_KERNEL).sum() == 211
    padded = cb.correlate2d(cb.LECTURE_INPUT, cb.LECTURE_KERNEL, padding=1)
    assert padded.shape == (5, 5) and padded[0].tolist() == [91, 168, 224, 215, 127]
    assert np.array_equal(padded[1:4, 1:4], out)  # the inner part is the unpadded result
    assert cb.correlate2d(cb.LECTURE_INPUT, cb.LECTURE_KERNEL, stride=2).tolist() == [[211, 262], [251, 169]]


def test_pytorch_computes_cross_correlation_not_flipped_convolution():
    x = torch.from_numpy(cb.LECTURE_INPUT).view(1, 1, 5, 5)
    kernel = torch.from_numpy(cb.LECTURE_KERNEL).view(1, 1, 3, 3)
    torch_out = F.conv2d(x, kernel)[0, 0].numpy()
    np.testing.assert_array_equal(torch_out, cb.correlate2d(cb.LECTURE_INPUT, cb.LECTURE_KERNEL))
    flipped = cb.correlate2d(cb.LECTURE_INPUT, cb.LECTURE_KERNEL[::-1, ::-1])  # textbook convolution
    assert not np.array_equal(flipped, torch_out)


@pytest.mark.parametrize(("padding", "stride"), [(0, 1), (1, 1), (2, 2)])
def test_conv2d_by_hand_matches_functional_conv2d(padding, stride):
    rng = np.random.default_rng(0)
    x, weight, bias = rng.normal(size=(3, 9, 8)), rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    expected = F.conv2d(torch.from_numpy(x)[None], torch.from_numpy(weight), torch.from_numpy(bias),
                        padding=padding, stride=stride)[0].numpy()
    np.testing.assert_allclose(cb.conv2d_by_hand(x, weight, bias, padding, stride), expected, rtol=1e-12)
    no_bias = cb.conv2d_by_hand(x, weight, padding=padding, stride=stride)
    np.testing.assert_allclose(no_bias + bias[:, None, None], expected, rtol=1e-12)


def test_multi_channel_output_is_the_sum_of_the_channels():
    rng = np.random.default_rng(1)
    x, weight = rng.normal(size=(3, 5, 5)), rng.normal(size=(1, 3, 3, 3))
    per_channel = [cb.correlate2d(x[c], weight[0, c]) for c in range(3)]
    np.testing.assert_allclose(cb.conv2d_by_hand(x, weight)[0], sum(per_channel))


def test_the_lecture_conv2d_shape_demo():
    layer = nn.Conv2d(5, 10, kernel_size=3)
    out = layer(torch.randn(1, 5, 100, 100))
    assert out.shape == (1, 10, 98, 98) and layer.weight.shape == (10, 5, 3, 3)


def test_max_pool_by_hand():
    block = cb.LECTURE_INPUT[:4, :4]
    assert cb.max_pool_by_hand(block).tolist() == [[4, 8], [9, 8]]
    expected = F.max_pool2d(torch.from_numpy(cb.LECTURE_INPUT).view(1, 1, 5, 5), 2)[0, 0].numpy()
    np.testing.assert_array_equal(cb.max_pool_by_hand(cb.LECTURE_INPUT), expected)  # 5x5 -> 2x2
    assert cb.max_pool_by_hand(np.arange(36.0).reshape(6, 6), size=3).tolist() == [[14, 17], [32, 35]]


# ---------------------------------------------------------------- the networks


def test_net_has_the_lecture_layers_and_derives_320():
    torch.manual_seed(0)
    model = cb.Net()
    assert (model.conv1.in_channels, model.conv1.out_channels, model.conv1.kernel_size) == (1, 10, (5, 5))
    assert (model.conv2.in_channels, model.conv2.out_channels, model.conv2.kernel_size) == (10, 20, (5, 5))
    assert model.fc.in_features == 320 == 20 * 4 * 4
    assert sum(p.numel() for p in model.parameters()) == 8490
    x = torch.randn(3, 1, 28, 28)
    assert model.features(x).shape == (3, 20, 4, 4)
    assert model(x).shape == (3, 10)
    assert cb.Net(image_size=32).fc.in_features == 20 * 5 * 5  # nothing typed by hand


def test_the_fc_net_of_chapter_09_has_about_68_times_more_parameters():
    fc = sum(p.numel() for p in sc.Net().parameters())
    cnn = sum(p.numel() for p in cb.Net().parameters())
    assert (fc, cnn) == (575050, 8490) and round(fc / cnn) == 68


def test_deeper_net_of_exercise_10_1():
    model = cb.DeeperNet()
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    assert len(convs) == 3 and len(linears) == 3
    assert model.fc1.in_features == 576 == 64 * 3 * 3
    assert sum(p.numel() for p in model.parameters()) == 106058
    x = torch.randn(2, 1, 28, 28)
    assert model.features(x).shape == (2, 64, 3, 3) and model(x).shape == (2, 10)


# ---------------------------------------------------------------- shifted digits


def test_shift_images_moves_and_fills_with_background():
    image = torch.zeros(1, 5, 5, dtype=torch.uint8)
    image[0, 2, 2] = 9
    assert cb.shift_images(image, 2)[0, 2, 4] == 9
    assert cb.shift_images(image, -1)[0, 2, 1] == 9
    assert cb.shift_images(image, 0, 1)[0, 3, 2] == 9
    assert cb.shift_images(image, 0, -2)[0, 0, 2] == 9
    assert cb.shift_images(image, 0).equal(image)
    assert image[0, 2, 2] == 9  # the input is not changed
    edge = torch.arange(1, 26, dtype=torch.uint8).view(5, 5)
    for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        moved = cb.shift_images(edge, dx, dy)
        assert (moved == 0).sum() == 5  # one row or column of background, nothing wrapped around
        assert moved.dtype == torch.uint8


def test_shifted_accuracy_on_a_toy_model():
    class Ink(nn.Module):  # predicts 1 when the left half holds ink, else 0
        def forward(self, x):
            left = x[:, 0, :, :14].amax(dim=(1, 2)) > x.min()
            return torch.stack([(~left).float(), left.float()], dim=1)

    images = torch.zeros(2, 28, 28, dtype=torch.uint8)
    images[:, 5, 12] = 255
    labels = torch.tensor([1, 1])
    assert cb.shifted_accuracy(Ink(), images, labels, [0, 1, 3]) == [1.0, 1.0, 0.0]


# ---------------------------------------------------------------- training


def test_one_epoch_trains_the_cnn():
    model, history = cb.train_mnist(epochs=1)
    assert isinstance(model, cb.Net)
    assert len(history["loss"]) == len(history["accuracy"]) == 1
    # the page: 80% after one epoch, where chapter 09's FC net is at 18%; the mean loss of
    # that first epoch is already below ln 10 = 2.303, the loss of a uniform guess
    assert history["accuracy"][0] > 0.75 and history["loss"][0] < 2.1


@pytest.fixture(scope="module")
def figure_runs():
    """The 20-epoch runs behind the chapter's figures and the numbers its text quotes."""
    cnn = [runs.cached(cb.train_mnist, epochs=EPOCHS, seed=seed) for seed in SEEDS]
    fc = [runs.cached(sc.train_mnist, epochs=EPOCHS)]  # chapter 09's own run
    deeper = runs.cached(cb.train_mnist, epochs=EPOCHS, make_model=cb.DeeperNet)
    return cnn, fc, deeper


def test_cnn_beats_the_fc_net_for_every_seed(figure_runs):
    cnn, fc, _ = figure_runs
    cnn_final = [history["accuracy"][-1] for _, history in cnn]
    fc_final = [history["accuracy"][-1] for _, history in fc]
    # the page's bands: each CNN seed 95-97.5%, the FC net 90-94%; the issue measured 96.0 / 92.3
    assert all(0.95 <= a <= 0.975 for a in cnn_final), cnn_final
    assert all(0.90 <= a <= 0.94 for a in fc_final), fc_final
    assert min(cnn_final) - max(fc_final) >= 0.025  # the page: "at least 2.5 points"
    assert 0.955 <= np.mean(cnn_final) <= 0.97
    # after one epoch the CNN is already above 75%, the FC net below 30%
    assert all(h["accuracy"][0] > 0.75 for _, h in cnn) and all(h["accuracy"][0] < 0.3 for _, h in fc)


def test_deeper_net_starts_slowly_and_ends_with_the_cnn(figure_runs):
    cnn, _, (model, deeper) = figure_runs
    assert isinstance(model, cb.DeeperNet)
    assert deeper["accuracy"][1] < 0.3  # still guessing after 2 epochs
    assert deeper["accuracy"][-1] >= 0.95  # the page: "about as good as the lecture's CNN"
    assert abs(deeper["accuracy"][-1] - np.mean([h["accuracy"][-1] for _, h in cnn])) < 0.015


def test_shifted_digits_hurt_the_fc_net_more(figure_runs):
    cnn, fc, _ = figure_runs
    images, labels = datasets.mnist("test")
    cnn_acc = np.array([cb.shifted_accuracy(m, images, labels, SHIFTS) for m, _ in cnn]).mean(axis=0)
    fc_acc = np.array([cb.shifted_accuracy(m, images, labels, SHIFTS) for m, _ in fc]).mean(axis=0)
    assert cnn_acc[0] == pytest.approx(np.mean([h["accuracy"][-1] for _, h in cnn]))
    # the page: two pixels cost the CNN under 12 points, the FC net over 20
    assert cnn_acc[0] - cnn_acc[2] < 0.12 and fc_acc[0] - fc_acc[2] > 0.2
    assert (cnn_acc[1:] > fc_acc[1:]).all()
    assert cnn_acc[6] < 0.5  # not shift invariant either: six pixels are too many
