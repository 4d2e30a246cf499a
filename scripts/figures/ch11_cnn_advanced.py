"""Figures of chapter 11 (advanced CNNs): the lecture's Inception module with the shapes it
produces, gradient norms layer by layer in a deep plain net and in the same net with shortcuts,
and validation curves of chapter 10's CNN, GoogLeNet-lite, ResNet-lite and ResNet-lite with
BatchNorm and Dropout, each keeping its best epoch."""

from __future__ import annotations

import numpy as np

from docbuild import runs
from docbuild.figures import Figure
from snippets import cnn_advanced as ca
from snippets import cnn_basics as cb

EPOCHS = 6  # GoogLeNet-lite takes about 3 s per epoch on one CPU core, the others under 1 s
SEEDS = (0, 1, 2)
MODELS = {  # name: (model class, seeds trained); one seed of GoogLeNet-lite costs as much as
    "cnn": (cb.Net, SEEDS[:1]),  # three of ResNet-lite, and a chapter's figures must build in
    "googlenet": (ca.GoogLeNet, SEEDS[:1]),  # about a minute on one core: the two models that
    "resnet": (ca.ResNet, SEEDS),  # the text compares closely get three seeds, the others one
    "resnet_bn": (ca.ResNetBN, SEEDS),
}
DEPTH = 10  # residual (or plain) blocks in the deep nets whose gradients are compared
GRADIENT_SEEDS = (0, 1, 2)


def model_runs(name, device):
    """The runs of one model, one per seed (shared with the tests through the run cache)."""
    make_model, seeds = MODELS[name]
    return [runs.cached(ca.train_best, make_model, epochs=EPOCHS, seed=seed, device=device) for seed in seeds]


# ---------------------------------------------------------------- the Inception module


def _inception(device):
    import torch

    module = ca.InceptionA(in_channels=10)
    x = torch.zeros(1, 10, 12, 12)
    outputs = [tuple(b.shape[1:]) for b in module.branches(x)]
    convs = [[module.branch1x1], [module.branch5x5_1, module.branch5x5_2],
             [module.branch3x3_1, module.branch3x3_2, module.branch3x3_3], [None, module.branch_pool]]
    layers = [[("pool", 3, 10) if c is None else ("conv", c.kernel_size[0], c.out_channels) for c in branch]
              for branch in convs]
    return tuple(x.shape[1:]), layers, outputs, tuple(module(x).shape[1:])


def _box(ax, x, y, text, color, width=1.9, height=0.62, fontsize=9):
    from matplotlib.patches import FancyBboxPatch

    ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                facecolor=color, edgecolor="0.35", linewidth=1))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end):
    ax.annotate("", xy=end, xytext=start, arrowprops={"arrowstyle": "->", "color": "0.35", "linewidth": 1})


def _draw_inception(data, t):
    import matplotlib.pyplot as plt

    shape_in, layers, outputs, shape_out = data
    fig, ax = plt.subplots(figsize=(8.8, 5.2), layout="constrained")
    ax.set_xlim(-0.2, 9.8)
    ax.set_ylim(-0.7, 6.4)
    ax.axis("off")
    top, bottom = 5.8, 0.0
    _box(ax, 4.8, top, f"{t['input']}  (N, {shape_in[0]}, {shape_in[1]}, {shape_in[2]})", "#e8e8e8", width=4.4)
    colors = {"conv": {1: "#cfe3f5", 3: "#f8dcc4", 5: "#f5c9c9"}, "pool": "#d9ecd0"}
    for column, (branch, shape) in enumerate(zip(layers, outputs)):
        x = 1.2 + 2.4 * column
        _arrow(ax, (4.8, top - 0.33), (x, 4.95))
        y = 4.6
        for row, (kind, kernel, channels) in enumerate(branch):
            if row:
                _arrow(ax, (x, y + 1.0 - 0.33), (x, y + 0.33))
            text = t["pool"] if kind == "pool" else t["conv"].format(k=kernel, c=channels)
            _box(ax, x, y, text, colors["pool"] if kind == "pool" else colors["conv"][kernel])
            y -= 1.0
        _arrow(ax, (x, y + 1.0 - 0.33), (x, 1.53))
        _box(ax, x, 1.2, f"({shape[0]}, {shape[1]}, {shape[2]})", "white", width=1.7, fontsize=8.5)
        _arrow(ax, (x, 0.87), (4.8, bottom + 0.33))
    _box(ax, 4.8, bottom, t["concat"].format(c=shape_out[0], h=shape_out[1], w=shape_out[2]), "#fff2b3",
         width=6.4)
    ax.set_title(t["title"], fontsize=11)
    return fig


# ---------------------------------------------------------------- gradients, plain against residual


def _gradients(device):
    import torch

    from snippets import softmax_classifier as sc

    train_loader, _ = sc.make_loaders(batch_size=64, seed=0)
    images, labels = next(iter(train_loader))
    images, labels = images.to(device), labels.to(device)
    norms = {}
    for shortcut in (False, True):
        found = []
        for seed in GRADIENT_SEEDS:
            torch.manual_seed(seed)
            model = ca.DeepNet(blocks=DEPTH, shortcut=shortcut).to(device)
            found.append(ca.gradient_norms(model, images, labels))
        norms["residual" if shortcut else "plain"] = np.array(found)
    return norms


def _draw_gradients(norms, t):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.6, 4.4), layout="constrained")
    for key, color, marker in (("residual", "C0", "o"), ("plain", "C3", "s")):
        values = norms[key]
        layers = np.arange(1, values.shape[1] + 1)
        ax.fill_between(layers, values.min(axis=0), values.max(axis=0), color=color, alpha=0.2, linewidth=0)
        ax.plot(layers, np.exp(np.log(values).mean(axis=0)), marker=marker, markersize=4, color=color,
                label=t[key])
    ax.set_yscale("log")
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_xticks(layers[::2])
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=9, loc="lower right")
    ax.set_title(t["title"], fontsize=10)
    return fig


# ---------------------------------------------------------------- validation curves and best epochs


def _curves(device):
    return {name: [history for _, history in model_runs(name, device)] for name in MODELS}


def _draw_curves(data, t):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8.8, 5.0), layout="constrained")
    for (name, histories), color in zip(data.items(), ("C1", "C2", "C0", "C3")):
        val = 100 * np.array([h["val_accuracy"] for h in histories])
        epochs = np.arange(1, val.shape[1] + 1)
        test = 100 * np.array([h["test_accuracy"] for h in histories])
        if len(histories) > 1:
            ax.fill_between(epochs, val.min(axis=0), val.max(axis=0), color=color, alpha=0.2, linewidth=0)
            label = t["band"].format(name=t[name], n=len(histories), low=test.min(), high=test.max(),
                                     mean=test.mean())
        else:
            label = t["single"].format(name=t[name], test=test[0])
        ax.plot(epochs, val[0], marker="o", markersize=3.5, color=color, label=label)
        for h in histories:
            best = h["best_epoch"]
            ax.plot(best, 100 * h["val_accuracy"][best - 1], marker="*", markersize=13, color=color,
                    markeredgecolor="black", markeredgewidth=0.6, linestyle="none")
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_ylim(70, 100)
    ax.set_xticks(epochs)
    ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncol=1, fontsize=9, frameon=False)
    ax.set_title(t["title"], fontsize=10)
    return fig


FIGURES = [
    Figure(
        name="inception-module",
        compute=_inception,
        draw=_draw_inception,
        labels={
            "zh": {"input": "输入", "conv": "{k}×{k} 卷积，{c} 通道", "pool": "3×3 平均池化",
                   "concat": "沿通道拼接（dim=1）：(N, {c}, {h}, {w})",
                   "title": "课程的 Inception 模块\n四个分支输出的宽和高相同，通道数相加：16 + 24 + 24 + 24 = 88"},
            "en": {"input": "input", "conv": "{k}×{k} conv, {c} channels", "pool": "3×3 average pool",
                   "concat": "concatenate channels (dim=1): (N, {c}, {h}, {w})",
                   "title": "The lecture's Inception module\nthe same height and width in every branch; "
                            "the channels add up: 16 + 24 + 24 + 24 = 88"},
        },
    ),
    Figure(
        name="gradient-norms",
        compute=_gradients,
        draw=_draw_gradients,
        labels={
            "zh": {"plain": "普通网络：没有捷径（shortcut）", "residual": "残差网络：每块 ReLU(x + F(x))",
                   "x": "卷积层（1 = 离输入最近）", "y": "损失对该层权重的梯度范数（对数坐标）",
                   "title": "训练开始前，同一个 21 层卷积网络有捷径与没有捷径\n（3 次初始化的几何平均与范围）"},
            "en": {"plain": "plain net: no shortcuts", "residual": "residual net: ReLU(x + F(x)) in every block",
                   "x": "convolution layer (1 = next to the input)",
                   "y": "gradient norm of the layer's weights (log scale)",
                   "title": "Before training: the same net of 21 convolutions with and without shortcuts\n"
                            "(geometric mean and range of 3 initialisations)"},
        },
    ),
    Figure(
        name="validation-curves",
        compute=_curves,
        draw=_draw_curves,
        labels={
            "zh": {"cnn": "第 10 章的 CNN", "googlenet": "GoogLeNet-lite", "resnet": "ResNet-lite",
                   "resnet_bn": "ResNet-lite + BatchNorm + Dropout",
                   "band": "{name}：{n} 个种子，最佳轮的测试准确率 {low:.1f}%–{high:.1f}%，平均 {mean:.1f}%",
                   "single": "{name}：1 个种子，最佳轮的测试准确率 {test:.1f}%",
                   "x": "训练轮数（epoch）", "y": "验证集准确率（%，500 张）",
                   "title": "3500 张训练图像，SGD（lr = 0.01，momentum = 0.5），阴影：3 个种子的范围\n"
                            "★：验证准确率最高的一轮，也就是保存下来的检查点"},
            "en": {"cnn": "chapter 10's CNN", "googlenet": "GoogLeNet-lite", "resnet": "ResNet-lite",
                   "resnet_bn": "ResNet-lite + BatchNorm + Dropout",
                   "band": "{name}: {n} seeds, test accuracy of the best epoch {low:.1f}%–{high:.1f}%, "
                           "mean {mean:.1f}%",
                   "single": "{name}: 1 seed, test accuracy of the best epoch {test:.1f}%",
                   "x": "epoch", "y": "validation accuracy (%, 500 images)",
                   "title": "3500 training digits, SGD (lr = 0.01, momentum = 0.5), shaded: range of 3 seeds\n"
                            "★: the epoch with the best validation accuracy, the checkpoint kept"},
        },
    ),
]
