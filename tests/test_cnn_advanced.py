"""Tests of snippets/cnn_advanced.py (chapter 11)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from docbuild import runs
from snippets import cnn_advanced as ca
from snippets import cnn_basics as cb
from snippets import datasets
from snippets import softmax_classifier as sc

# The runs of the chapter's figures (scripts/figures/ch11_cnn_advanced.py): same calls, same cache.
EPOCHS, SEEDS = 6, (0, 1, 2)


def _count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def _zero(module: nn.Module) -> nn.Module:
    with torch.no_grad():
        for p in module.parameters():
            p.zero_()
    return module


# ---------------------------------------------------------------- Inception


def test_one_by_one_convolutions_cut_the_multiplications_tenfold():
    direct = ca.conv_multiplications(192, 32, kernel=5, size=28)
    shrunk = ca.conv_multiplications(192, 16, kernel=1, size=28) + ca.conv_multiplications(16, 32, kernel=5, size=28)
    assert (direct, shrunk) == (120_422_400, 12_443_648)  # the lecture's 120.4 M and 12.4 M
    assert 9.6 < direct / shrunk < 9.7
    # the count is what a padded nn.Conv2d does: one product per weight and output position
    layer = nn.Conv2d(192, 32, kernel_size=5, padding=2, bias=False)
    assert layer.weight.numel() * 28 * 28 == direct


def test_inception_module_concatenates_88_channels():
    torch.manual_seed(0)
    module = ca.InceptionA(in_channels=10)
    x = torch.randn(2, 10, 12, 12)
    branches = module.branches(x)
    assert [tuple(b.shape) for b in branches] == [(2, 16, 12, 12), (2, 24, 12, 12), (2, 24, 12, 12),
                                                 (2, 24, 12, 12)]
    out = module(x)
    assert out.shape == (2, 88, 12, 12) and module.out_channels == 88
    assert torch.equal(out[:, :16], branches[0]) and torch.equal(out[:, 64:], branches[3])  # in order
    assert module(torch.randn(1, 10, 5, 7)).shape == (1, 88, 5, 7)  # any size: padding keeps it


def test_googlenet_lite_has_the_lecture_shapes():
    torch.manual_seed(0)
    model = ca.GoogLeNet()
    assert model.conv2.in_channels == 88 and model.fc.in_features == 1408 == 88 * 4 * 4
    assert _count(model) == 97298
    x = torch.randn(3, 1, 28, 28)
    assert model.features(x).shape == (3, 88, 4, 4) and model(x).shape == (3, 10)


# ---------------------------------------------------------------- residual blocks


def test_residual_block_is_relu_of_x_plus_f_of_x():
    torch.manual_seed(0)
    block = ca.ResidualBlock(16)
    x = torch.randn(2, 16, 12, 12)
    y = block(x)
    assert y.shape == x.shape and (y >= 0).all()
    expected = torch.relu(x + block.conv2(torch.relu(block.conv1(x))))
    assert torch.allclose(y, expected)
    plain = ca.ResidualBlock(16, shortcut=False)
    plain.load_state_dict(block.state_dict())
    assert torch.allclose(plain(x), torch.relu(block.conv2(torch.relu(block.conv1(x)))))
    # F = 0: the block passes (non-negative) inputs through unchanged; the plain block kills them
    relu_x = torch.relu(x)
    assert torch.equal(_zero(block)(relu_x), relu_x)
    assert torch.equal(_zero(plain)(relu_x), torch.zeros_like(x))


def test_resnet_lite_has_the_lecture_shapes():
    torch.manual_seed(0)
    model = ca.ResNet()
    assert model.fc.in_features == 512 == 32 * 4 * 4 and _count(model) == 41514
    x = torch.randn(2, 1, 28, 28)
    assert model.features(x).shape == (2, 32, 4, 4) and model(x).shape == (2, 10)


def test_projection_block_changes_channels_and_size():
    torch.manual_seed(0)
    block = ca.ProjectionBlock(16, 32, stride=2)
    x = torch.randn(2, 16, 12, 12)
    assert block(x).shape == (2, 32, 6, 6)
    assert block.project.weight.shape == (32, 16, 1, 1)
    with pytest.raises(RuntimeError):  # why the projection: x itself does not fit
        x + block.conv2(torch.relu(block.conv1(x)))
    assert ca.ProjectionBlock(16, 32)(x).shape == (2, 32, 12, 12)


def test_gradients_vanish_in_the_plain_deep_net_and_not_with_shortcuts():
    train_loader, _ = sc.make_loaders(seed=0)
    images, labels = next(iter(train_loader))
    norms = {}
    for shortcut in (False, True):
        torch.manual_seed(0)
        model = ca.DeepNet(blocks=10, shortcut=shortcut)
        assert sum(isinstance(m, nn.Conv2d) for m in model.modules()) == 21
        assert model(images).shape == (64, 10)
        norms[shortcut] = ca.gradient_norms(model, images, labels)
        assert len(norms[shortcut]) == 21
    plain, residual = np.array(norms[False]), np.array(norms[True])
    # the page: near the input the plain net's gradient is over a million times smaller
    assert plain[0] < 1e-6 * residual[0]
    assert plain[0] < 1e-6 * plain[-1]  # it shrinks layer by layer towards the input
    assert residual.max() / residual.min() < 10  # with shortcuts every layer gets a similar share


# ---------------------------------------------------------------- BatchNorm and Dropout


def test_bn_resnet_behaves_differently_in_train_and_eval_mode():
    torch.manual_seed(0)
    model = ca.ResNetBN()
    assert _count(model) == 41610  # 96 more than ResNet: BN scales and shifts, no conv biases
    assert model.rblock1.conv1.bias is None
    assert model.training and model.rblock1.bn1.num_batches_tracked == 0  # measuring 512 left BN alone
    x = torch.randn(8, 1, 28, 28)
    first, second = model(x), model(x)
    assert not torch.allclose(first, second)  # dropout draws a new mask on every call
    assert model.rblock1.bn1.num_batches_tracked == 2  # and BN updated its running statistics
    model.eval()
    assert torch.equal(model(x), model(x))  # deterministic
    assert model.rblock1.bn1.num_batches_tracked == 2  # eval() uses the statistics, never changes them
    block = ca.BNResidualBlock(4).eval()
    assert block(torch.randn(2, 4, 5, 5)).shape == (2, 4, 5, 5)


# ---------------------------------------------------------------- validation split and best epoch


def test_split_loaders_hold_out_50_digits_of_each_class():
    train_loader, val_loader, test_loader = ca.split_loaders(seed=0)
    train_x, train_y = train_loader.dataset.tensors
    val_x, val_y = val_loader.dataset.tensors
    assert (len(train_y), len(val_y), len(test_loader.dataset)) == (3500, 500, 1000)
    assert val_y.bincount().tolist() == [50] * 10 and train_y.bincount().tolist() == [350] * 10
    assert len(train_loader) == 55 and len(val_loader) == len(test_loader) == 1
    all_x = sc.normalize(datasets.mnist("train")[0])
    assert len(torch.cat([train_x, val_x]).unique(dim=0)) == len(all_x.unique(dim=0))  # disjoint, complete
    other_val = ca.split_loaders(seed=1)[1].dataset.tensors[0]
    assert torch.equal(val_x, other_val)  # the split does not depend on the training seed
    assert not torch.equal(next(iter(train_loader))[1], next(iter(ca.split_loaders(seed=1)[0]))[1])
    assert torch.equal(test_loader.dataset.tensors[1], datasets.mnist("test")[1])


def _toy_loaders():
    generator = torch.Generator().manual_seed(0)
    labels = torch.arange(64) % 2
    images = torch.randn(64, 1, 28, 28, generator=generator) * 0.5 + (labels.float() * 2 - 1).view(-1, 1, 1, 1)
    data = TensorDataset(images, labels)
    return DataLoader(data, batch_size=16, shuffle=True, generator=generator), DataLoader(data, batch_size=64)


def test_fit_best_keeps_and_checkpoints_the_best_epoch(tmp_path):
    train_loader, val_loader = _toy_loaders()
    torch.manual_seed(0)
    model = sc.SoftmaxRegression()
    path = tmp_path / "best.pt"
    history = ca.fit_best(model, train_loader, val_loader, epochs=4, lr=0.05, checkpoint=path)
    assert set(history) == {"loss", "val_accuracy", "seconds", "best_epoch"}
    assert len(history["loss"]) == len(history["val_accuracy"]) == len(history["seconds"]) == 4
    best = history["best_epoch"]
    assert history["val_accuracy"][best - 1] == max(history["val_accuracy"])
    assert best == 1 + history["val_accuracy"].index(max(history["val_accuracy"]))  # the first best
    assert sc.evaluate(model, val_loader) == max(history["val_accuracy"])  # the model holds that epoch
    saved = torch.load(path, weights_only=True)
    assert saved["epoch"] == best
    fresh = sc.SoftmaxRegression()
    fresh.load_state_dict(saved["model"])
    assert all(torch.equal(a, b) for a, b in zip(fresh.state_dict().values(), model.state_dict().values()))


def test_fit_best_returns_an_earlier_epoch_when_later_ones_are_worse():
    class Scripted(nn.Module):  # its accuracy goes 1, 0, 0: the best epoch is the first
        def __init__(self):
            super().__init__()
            self.epoch = nn.Parameter(torch.zeros(()), requires_grad=False)
            self.w = nn.Linear(1, 2)

        def forward(self, x):
            self.epoch += 0.5 if self.training else 0.0  # 2 training batches per epoch
            right = self.epoch.item() <= 1.0
            logits = torch.zeros(len(x), 2) + self.w(torch.zeros(len(x), 1)) * 0
            logits[:, 0 if right else 1] = 1.0
            return logits

    x = torch.zeros(8, 1)
    y = torch.zeros(8, dtype=torch.long)
    loader = DataLoader(TensorDataset(x, y), batch_size=4)
    model = Scripted()
    history = ca.fit_best(model, loader, loader, epochs=3)
    assert history["val_accuracy"] == [1.0, 0.0, 0.0] and history["best_epoch"] == 1
    assert model.epoch.item() == 1.0  # the weights (here the counter) of epoch 1 are back


def test_train_best_on_the_split_for_one_epoch():
    model, history = ca.train_best(epochs=1)  # the default model: chapter 10's CNN
    assert isinstance(model, cb.Net) and history["best_epoch"] == 1
    assert 0.6 < history["val_accuracy"][0] < 1 and 0.6 < history["test_accuracy"] < 1


@pytest.fixture(scope="module")
def figure_runs():
    """The runs behind the validation-curves figure and the numbers the page quotes."""
    return {
        "cnn": [runs.cached(ca.train_best, cb.Net, epochs=EPOCHS, seed=0)],
        "googlenet": [runs.cached(ca.train_best, ca.GoogLeNet, epochs=EPOCHS, seed=0)],
        "resnet": [runs.cached(ca.train_best, ca.ResNet, epochs=EPOCHS, seed=s) for s in SEEDS],
        "resnet_bn": [runs.cached(ca.train_best, ca.ResNetBN, epochs=EPOCHS, seed=s) for s in SEEDS],
    }


def test_batchnorm_and_dropout_beat_every_other_run(figure_runs):
    test = {name: [h["test_accuracy"] for _, h in found] for name, found in figure_runs.items()}
    # the page: ResNet-lite 94-96%, with BN and dropout 96-98%, every seed above every other run
    assert all(0.94 <= a <= 0.96 for a in test["resnet"]), test
    assert all(0.96 <= a <= 0.98 for a in test["resnet_bn"]), test
    others = test["resnet"] + test["cnn"] + test["googlenet"]
    assert min(test["resnet_bn"]) - max(others) >= 0.008
    # ... and after a single epoch it is already above 90% on the validation set, the others below 85%
    first = {name: [h["val_accuracy"][0] for _, h in found] for name, found in figure_runs.items()}
    assert min(first["resnet_bn"]) > 0.9 and max(first["resnet"] + first["cnn"] + first["googlenet"]) < 0.85


def test_googlenet_lite_starts_slowest_and_is_still_climbing(figure_runs):
    (_, goog), = figure_runs["googlenet"]
    (_, cnn), = figure_runs["cnn"]
    assert goog["val_accuracy"][0] < 0.5 < cnn["val_accuracy"][0]
    assert goog["best_epoch"] == EPOCHS and 0.89 <= goog["test_accuracy"] <= 0.95
    assert 0.92 <= cnn["test_accuracy"] <= 0.96


def test_the_best_epoch_is_not_always_the_last(figure_runs):
    best = [h["best_epoch"] for found in figure_runs.values() for _, h in found]
    assert any(b < EPOCHS for b in best) and all(1 <= b <= EPOCHS for b in best)
    for found in figure_runs.values():
        for model, h in found:  # every model holds the weights of its best epoch
            assert sc.evaluate(model, ca.split_loaders()[1]) == pytest.approx(max(h["val_accuracy"]))


# ---------------------------------------------------------------- exercises


def test_preactivation_block_keeps_a_pure_identity_shortcut():
    torch.manual_seed(0)
    block = ca.PreActBlock(16)
    x = torch.randn(2, 16, 12, 12)
    assert block(x).shape == x.shape
    assert (block(x) < 0).any()  # no ReLU after the addition
    _zero(block.conv2)
    assert torch.equal(block(x), x)  # F = 0: exactly the identity, negative values included
    model = ca.ResNet(block=ca.PreActBlock)
    assert model(torch.randn(2, 1, 28, 28)).shape == (2, 10) and _count(model) == 41706


def test_dense_block_concatenates_every_layer():
    torch.manual_seed(0)
    block = ca.DenseBlock(16, growth=12, layers=3)
    x = torch.randn(2, 16, 12, 12)
    out = block(x)
    assert out.shape == (2, 52, 12, 12) and block.out_channels == 52
    assert torch.equal(out[:, :16], x)  # the input is passed on untouched
    assert [c.in_channels for c in block.convs] == [16, 28, 40]
    model = ca.DenseNet()
    assert model.conv2.in_channels == 52 and model.transition.in_channels == 68
    assert model.features(torch.randn(2, 1, 28, 28)).shape == (2, 32, 4, 4)
    assert model(torch.randn(2, 1, 28, 28)).shape == (2, 10) and _count(model) == 72786
