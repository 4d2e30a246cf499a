"""Figures of chapter 10 (CNN basics): the lecture's convolution worked by hand, the kernels the
CNN learns, the feature maps of one digit, the CNN against chapter 09's fully connected net over
20 epochs and three seeds, and both on shifted digits."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from docbuild import runs
from docbuild.figures import Figure
from snippets import cnn_basics as cb
from snippets import datasets
from snippets import softmax_classifier as sc

EPOCHS = 20  # about 0.6 s per epoch for the CNN, 0.25 s for the FC net, on one CPU core
SEEDS = (0, 1, 2)  # the CNN's; the FC net trains once (chapter 09's run), far below every CNN seed
SHIFTS = list(range(7))  # pixels to the right
DIGIT = 402  # the test image whose feature maps are shown (a 4: straight strokes)


def cnn_runs(device):
    """The lecture's CNN, one run per seed (shared with the tests through the run cache)."""
    return [runs.cached(cb.train_mnist, epochs=EPOCHS, seed=seed, device=device) for seed in SEEDS]


def fc_runs(device):
    """Chapter 09's fully connected net on the same split: chapter 09's own run."""
    return [runs.cached(sc.train_mnist, epochs=EPOCHS, device=device)]


def deeper_run(device):
    """Exercise 10-1's deeper CNN, one seed."""
    return runs.cached(cb.train_mnist, epochs=EPOCHS, make_model=cb.DeeperNet, device=device)


# ---------------------------------------------------------------- the worked example


def _worked(device):
    return cb.LECTURE_INPUT, cb.LECTURE_KERNEL, cb.correlate2d(cb.LECTURE_INPUT, cb.LECTURE_KERNEL)


def _bare(ax):
    """An image axis: no ticks, no frame."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _grid(ax, values, title, highlight=None, color="C3", fmt="{:.0f}", cmap="Blues"):
    import matplotlib.pyplot as plt

    ax.imshow(values, cmap=cmap, vmin=values.min() - 0.35 * np.ptp(values), vmax=values.max())
    for (i, j), v in np.ndenumerate(values):
        ax.text(j, i, fmt.format(v), ha="center", va="center", fontsize=11)
    if highlight is not None:
        (i, j), size = highlight
        ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), size, size, fill=False, edgecolor=color, linewidth=3))
    _bare(ax)
    ax.set_title(title, fontsize=10)


def _draw_worked(data, t):
    import matplotlib.pyplot as plt

    image, kernel, out = data
    fig, axes = plt.subplots(1, 3, figsize=(8.6, 3.5), layout="constrained",
                             gridspec_kw={"width_ratios": [5, 3, 3]})
    _grid(axes[0], image, t["input"], highlight=((0, 0), 3))
    _grid(axes[1], kernel, t["kernel"], cmap="Oranges")
    _grid(axes[2], out, t["output"], highlight=((0, 0), 1))
    terms = " + ".join(f"{a:.0f}·{b:.0f}" for a, b in zip(image[:3, :3].flat, kernel.flat))
    fig.suptitle(f"{t['title']}\n{terms} = {out[0, 0]:.0f}", fontsize=10)
    return fig


# ---------------------------------------------------------------- what the CNN learned


@lru_cache(maxsize=None)
def _first_cnn(device):
    model, history = cnn_runs(device)[0]
    return model


def _kernels(device):
    return _first_cnn(device).conv1.weight.detach().cpu().numpy()[:, 0]  # (10, 5, 5)


def _draw_kernels(kernels, t):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 5, figsize=(7.6, 3.8), layout="constrained")
    limit = np.abs(kernels).max()
    for k, ax in enumerate(axes.flat):
        image = ax.imshow(kernels[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        _bare(ax)
        ax.set_title(t["each"].format(k=k), fontsize=9)
    fig.colorbar(image, ax=axes, shrink=0.8, label=t["bar"])
    fig.suptitle(t["title"], fontsize=11)
    return fig


def _feature_maps(device):
    import torch

    model = _first_cnn(device)
    images, labels = datasets.mnist("test")
    x = sc.normalize(images[DIGIT:DIGIT + 1]).to(device)
    model.eval()
    with torch.no_grad():
        conv1 = model.conv1(x)
        conv2 = model.conv2(torch.relu(model.pooling(conv1)))
    return images[DIGIT].numpy(), int(labels[DIGIT]), conv1[0].cpu().numpy(), conv2[0].cpu().numpy()


def _draw_feature_maps(data, t):
    import matplotlib.pyplot as plt

    image, label, conv1, conv2 = data
    fig = plt.figure(figsize=(8.8, 4.6), layout="constrained")
    top, bottom = fig.subfigures(2, 1, height_ratios=[1, 1.9])
    first = top.subplots(1, 11)
    first[0].imshow(image, cmap="gray_r")
    first[0].set_title(t["input"].format(label=label), fontsize=9)
    for k, ax in enumerate(first[1:]):
        limit = np.abs(conv1[k]).max()
        ax.imshow(conv1[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"{k}", fontsize=8)
    top.suptitle(t["conv1"], fontsize=10)
    second = bottom.subplots(2, 10)
    for k, ax in enumerate(second.flat):
        limit = np.abs(conv2[k]).max()
        ax.imshow(conv2[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(f"{k}", fontsize=8)
    bottom.suptitle(t["conv2"], fontsize=10)
    for ax in (*first, *second.flat):
        _bare(ax)
    return fig


# ---------------------------------------------------------------- CNN against the FC net


def _comparison(device):
    return {
        "cnn": [history for _, history in cnn_runs(device)],
        "fc": [history for _, history in fc_runs(device)],
        "deeper": [deeper_run(device)[1]],
    }


def _draw_comparison(data, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 4.6), layout="constrained")
    for key, color in (("fc", "C1"), ("cnn", "C0"), ("deeper", "C2")):
        histories = data[key]
        loss = np.array([h["loss"] for h in histories])
        accuracy = 100 * np.array([h["accuracy"] for h in histories])
        epochs = np.arange(1, loss.shape[1] + 1)
        final = accuracy[:, -1]
        if len(histories) > 1:
            label = t["band"].format(name=t[key], n=len(histories), low=final.min(), high=final.max(),
                                     mean=final.mean())
            left.fill_between(epochs, loss.min(axis=0), loss.max(axis=0), color=color, alpha=0.25, linewidth=0)
            right.fill_between(epochs, accuracy.min(axis=0), accuracy.max(axis=0), color=color, alpha=0.25,
                               linewidth=0)
        else:
            label = t["single"].format(name=t[key], final=final[0])
        left.plot(epochs, loss[0], marker="o", markersize=3, color=color, label=label)
        right.plot(epochs, accuracy[0], marker="o", markersize=3, color=color)
    left.set_ylabel(t["loss"])
    left.set_ylim(0, 2.5)
    right.set_ylabel(t["acc"])
    right.set_ylim(70, 100)
    for ax in (left, right):
        ax.set_xlabel(t["x"])
        ax.set_xticks(epochs[1::2])
        ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncol=1, fontsize=9, frameon=False)
    fig.suptitle(t["title"], fontsize=11)
    return fig


# ---------------------------------------------------------------- shifted digits


def _shifted(device):
    images, labels = datasets.mnist("test")
    accuracy = {
        key: [cb.shifted_accuracy(model, images, labels, SHIFTS, device) for model, _ in found]
        for key, found in (("cnn", cnn_runs(device)), ("fc", fc_runs(device)))
    }
    examples = [cb.shift_images(images[DIGIT], dx).numpy() for dx in (0, 2, 4, 6)]
    return accuracy, examples


def _draw_shifted(data, t):
    import matplotlib.pyplot as plt

    accuracy, examples = data
    fig = plt.figure(figsize=(8.6, 4.4), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=[2.2, 1])
    ax = left.subplots()
    for key, color in (("cnn", "C0"), ("fc", "C1")):
        values = 100 * np.array(accuracy[key])
        ax.fill_between(SHIFTS, values.min(axis=0), values.max(axis=0), color=color, alpha=0.25, linewidth=0)
        ax.plot(SHIFTS, values.mean(axis=0), marker="o", color=color, label=t[key])
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["acc"])
    ax.set_ylim(0, 100)
    ax.axhline(10, color="0.5", linestyle="--", linewidth=1)
    ax.text(SHIFTS[-1], 11, t["chance"], ha="right", va="bottom", fontsize=9, color="0.35")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=9)
    small = right.subplots(2, 2)
    for image, dx, a in zip(examples, (0, 2, 4, 6), small.flat):
        a.imshow(image, cmap="gray_r")
        _bare(a)
        a.set_title(t["shift"].format(dx=dx), fontsize=9)
    left.suptitle(t["title"], fontsize=10)
    right.suptitle(t["examples"], fontsize=10)
    return fig


FIGURES = [
    Figure(
        name="worked-example",
        compute=_worked,
        draw=_draw_worked,
        labels={
            "zh": {"input": "输入 5×5（红框：第一个窗口）", "kernel": "卷积核 3×3", "output": "输出 3×3",
                   "title": "卷积（互相关）：窗口与卷积核逐元素相乘再求和"},
            "en": {"input": "input 5×5 (red: the first window)", "kernel": "kernel 3×3",
                   "output": "output 3×3",
                   "title": "Convolution (cross-correlation): multiply window and kernel elementwise, sum"},
        },
    ),
    Figure(
        name="kernels",
        compute=_kernels,
        draw=_draw_kernels,
        labels={
            "zh": {"each": "卷积核 {k}", "bar": "权重",
                   "title": "训练 20 轮后第一层的 10 个 5×5 卷积核（种子 0）"},
            "en": {"each": "kernel {k}", "bar": "weight",
                   "title": "The 10 learned 5×5 kernels of conv1 after 20 epochs (seed 0)"},
        },
    ),
    Figure(
        name="feature-maps",
        compute=_feature_maps,
        draw=_draw_feature_maps,
        labels={
            "zh": {"input": "输入：数字 {label}",
                   "conv1": "conv1 的 10 个特征图（24×24，红：正，蓝：负）",
                   "conv2": "conv2 的 20 个特征图（8×8）"},
            "en": {"input": "input: a {label}",
                   "conv1": "the 10 feature maps of conv1 (24×24; red positive, blue negative)",
                   "conv2": "the 20 feature maps of conv2 (8×8)"},
        },
    ),
    Figure(
        name="cnn-vs-fc",
        compute=_comparison,
        draw=_draw_comparison,
        labels={
            "zh": {"fc": "第 09 章的全连接网络（575050 个参数）", "cnn": "课程的 CNN（8490 个参数）",
                   "deeper": "练习 10-1 的更深 CNN（106058 个参数）",
                   "band": "{name}：{n} 个种子，最终 {low:.1f}%–{high:.1f}%，平均 {mean:.1f}%",
                   "single": "{name}：1 个种子，最终 {final:.1f}%",
                   "x": "训练轮数（epoch）", "loss": "训练损失（交叉熵）", "acc": "测试集准确率（%）",
                   "title": "同样的 4000 张训练图像、同样的 SGD：卷积网络与全连接网络（阴影：各种子的范围）"},
            "en": {"fc": "chapter 09's FC net (575050 parameters)", "cnn": "the lecture's CNN (8490 parameters)",
                   "deeper": "exercise 10-1's deeper CNN (106058 parameters)",
                   "band": "{name}: {n} seeds, final {low:.1f}%–{high:.1f}%, mean {mean:.1f}%",
                   "single": "{name}: 1 seed, final {final:.1f}%",
                   "x": "epoch", "loss": "training loss (cross-entropy)", "acc": "test accuracy (%)",
                   "title": "Same 4000 training digits, same SGD: CNN against FC net (shaded: range over seeds)"},
        },
    ),
    Figure(
        name="shifted",
        compute=_shifted,
        draw=_draw_shifted,
        labels={
            "zh": {"cnn": "课程的 CNN", "fc": "全连接网络", "x": "向右平移的像素数",
                   "acc": "测试集准确率（%；CNN：3 个种子的平均与范围）", "chance": "随机猜测 10%",
                   "shift": "右移 {dx} 像素", "title": "把测试数字向右平移",
                   "examples": "平移后的同一个数字"},
            "en": {"cnn": "the lecture's CNN", "fc": "fully connected net", "x": "shift to the right (pixels)",
                   "acc": "test accuracy (%; CNN: mean and range of 3 seeds)", "chance": "chance 10%",
                   "shift": "shifted {dx} px", "title": "Test digits shifted to the right",
                   "examples": "one digit, shifted"},
        },
    ),
]
