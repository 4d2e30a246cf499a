"""Figures of chapter 09 (softmax classifier): the lecture's softmax example step by step, the
training curves of the fully connected network on the MNIST sample, test digits with their
predictions, the confusion matrix, and a one-layer softmax regression against the deep network."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from docbuild import runs
from docbuild.figures import Figure
from snippets import datasets
from snippets import softmax_classifier as sc

EPOCHS = 20  # about 0.3 s per epoch on one CPU core


@lru_cache(maxsize=None)
def _trained(device):
    """Train the chapter's network once per build; three figures use the result."""
    model, history = runs.cached(sc.train_mnist, epochs=EPOCHS, device=device)
    images, labels = datasets.mnist("test")
    predicted = sc.predict(model, sc.normalize(images), device)
    return history, images.numpy(), labels.numpy(), predicted.numpy()


def _worked_example(device):
    z = np.array([0.2, 0.1, -0.1])
    return z, np.exp(z), sc.softmax(z), sc.cross_entropy(z, 0)


def _draw_worked_example(data, t):
    import matplotlib.pyplot as plt

    z, exp, p, loss = data
    fig, axes = plt.subplots(1, 3, figsize=(8.6, 3.6), layout="constrained")
    classes = np.arange(len(z))
    steps = ((z, t["logits"], "C0"), (exp, t["exp"], "C1"), (p, t["probs"], "C2"))
    for ax, (values, title, color) in zip(axes, steps):
        bars = ax.bar(classes, values, color=color, width=0.6)
        ax.bar_label(bars, labels=[f"{v:.4f}" for v in values], padding=2, fontsize=9)
        ax.axhline(0, color="0.3", linewidth=0.8)
        ax.set_xticks(classes, [f"{t['class']} {c}" for c in classes])
        ax.set_title(title, fontsize=10)
        low = min(0.0, values.min())
        ax.set_ylim(low * 1.35 - 0.02, values.max() * 1.45)
    axes[2].patches[0].set_edgecolor("C3")
    axes[2].patches[0].set_linewidth(2.5)
    axes[2].text(0.97, 0.97, f"{t['loss']}\n-log {p[0]:.4f} = {loss:.4f}",
                 transform=axes[2].transAxes, ha="right", va="top", fontsize=9, color="C3")
    fig.suptitle(t["title"])
    return fig


def _training(device):
    history, *_ = _trained(device)
    return history


def _draw_training(history, t):
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 3.8), layout="constrained")
    left.plot(epochs, history["loss"], marker="o", markersize=3.5, color="C0")
    left.axhline(np.log(10), color="0.5", linestyle="--", linewidth=1)
    left.text(epochs[-1], np.log(10) - 0.05, t["uniform"], ha="right", va="top", fontsize=9,
              color="0.35")
    left.set_xlabel(t["x"])
    left.set_ylabel(t["loss"])
    left.set_title(t["loss_title"], fontsize=10)
    left.set_ylim(0, 2.6)
    accuracy = 100 * np.asarray(history["accuracy"])
    right.plot(epochs, accuracy, marker="o", markersize=3.5, color="C2")
    right.annotate(f"{accuracy[-1]:.1f}%", xy=(epochs[-1], accuracy[-1]),
                   xytext=(epochs[-1] - 3.5, accuracy[-1] - 18),
                   arrowprops={"arrowstyle": "->", "color": "C3"}, color="C3")
    right.set_xlabel(t["x"])
    right.set_ylabel(t["acc"])
    right.set_title(t["acc_title"], fontsize=10)
    right.set_ylim(0, 100)
    for ax in (left, right):
        ax.set_xticks(epochs[1::2] if len(epochs) > 10 else epochs)
        ax.grid(alpha=0.3)
    fig.suptitle(t["title"])
    return fig


def _predictions(device):
    _, images, labels, predicted = _trained(device)
    order = np.random.default_rng(0).permutation(len(labels))
    shown = list(order[:16])  # 16 random test digits ...
    shown += [i for i in order[16:] if predicted[i] != labels[i]][:8]  # ... and 8 mistakes
    return images[shown], labels[shown], predicted[shown]


def _draw_predictions(data, t):
    import matplotlib.pyplot as plt

    images, labels, predicted = data
    fig, axes = plt.subplots(3, 8, figsize=(8.8, 4.6), layout="constrained")
    for k, ax in enumerate(axes.flat):
        right = predicted[k] == labels[k]
        ax.imshow(images[k], cmap="gray_r")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(t["each"].format(true=labels[k], pred=predicted[k]), fontsize=9,
                     color="C2" if right else "C3")
        for spine in ax.spines.values():
            spine.set_visible(True)
            spine.set_color("0.8" if right else "C3")
            spine.set_linewidth(1 if right else 2.5)
    axes[0, 0].set_ylabel(t["random"], fontsize=9)
    axes[2, 0].set_ylabel(t["mistakes"], fontsize=9, color="C3")
    fig.suptitle(t["title"])
    return fig


def _confusion(device):
    _, _, labels, predicted = _trained(device)
    import torch

    matrix = sc.confusion_matrix(torch.from_numpy(labels), torch.from_numpy(predicted))
    return matrix.numpy(), sc.most_confused(matrix, k=3)


def _draw_confusion(data, t):
    import matplotlib.pyplot as plt

    matrix, top = data
    fig, ax = plt.subplots(figsize=(6.2, 5.6), layout="constrained")
    ax.grid(False)
    shown = matrix.astype(float)
    off = shown.copy()
    np.fill_diagonal(off, np.nan)  # color only the mistakes; the diagonal would drown them
    ax.imshow(np.full_like(shown, 0.0), cmap="Greys", vmin=0, vmax=1)
    image = ax.imshow(off, cmap="Reds", vmin=0, vmax=max(1, np.nanmax(off)))
    for i in range(matrix.shape[0]):
        for j in range(matrix.shape[1]):
            value = matrix[i, j]
            if i == j:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, color="#d8ecd8"))
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8,
                    color="0.6" if value == 0 else ("white" if i != j and value >= 6 else "black"))
    ax.set_xticks(range(10))
    ax.set_yticks(range(10))
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    pairs = ", ".join(f"{i}→{j} ({n})" for i, j, n in top)
    ax.set_title(f"{t['title']}\n{t['top']}{pairs}", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=t["bar"])
    return fig


def _linear_vs_deep(device):
    deep, *_ = _trained(device)
    _, linear = runs.cached(sc.train_mnist, epochs=EPOCHS, make_model=sc.SoftmaxRegression, device=device)
    return {"linear": linear, "deep": deep}


def _draw_linear_vs_deep(runs, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9.0, 4.4), layout="constrained")
    for key, color in (("linear", "C1"), ("deep", "C0")):
        history = runs[key]
        epochs = np.arange(1, len(history["loss"]) + 1)
        accuracy = 100 * np.asarray(history["accuracy"])
        left.plot(epochs, history["loss"], marker="o", markersize=3, color=color,
                  label=f"{t[key]}: {t['final']} {accuracy[-1]:.1f}%")
        right.plot(epochs, accuracy, marker="o", markersize=3, color=color)
    left.set_ylabel(t["loss"])
    left.set_ylim(0, 2.6)
    right.set_ylabel(t["acc"])
    right.set_ylim(0, 100)
    for ax in (left, right):
        ax.set_xlabel(t["x"])
        ax.set_xticks(epochs[1::2])
        ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncol=1, fontsize=9, frameon=False)
    fig.suptitle(t["title"])
    return fig


FIGURES = [
    Figure(
        name="worked-example",
        compute=_worked_example,
        draw=_draw_worked_example,
        labels={
            "zh": {"logits": "① logits z", "exp": "② 取指数 exp(z)",
                   "probs": "③ 归一化：softmax(z)", "class": "类",
                   "loss": "正确类别是 0，损失",
                   "title": "softmax 的计算过程：z = [0.2, 0.1, -0.1]"},
            "en": {"logits": "① logits z", "exp": "② exponentiate: exp(z)",
                   "probs": "③ normalise: softmax(z)", "class": "class",
                   "loss": "correct class is 0, loss",
                   "title": "Softmax step by step: z = [0.2, 0.1, -0.1]"},
        },
    ),
    Figure(
        name="mnist-training",
        compute=_training,
        draw=_draw_training,
        labels={
            "zh": {"x": "训练轮数（epoch）", "loss": "训练损失（交叉熵，每轮平均）",
                   "uniform": "ln 10 ≈ 2.303：十个类别平均猜",
                   "loss_title": "每轮的训练损失",
                   "acc": "测试集准确率（%）",
                   "acc_title": "每轮结束后的测试准确率（1000 张）",
                   "title": "全连接网络在 4000 张 MNIST 样本上训练"
                            "（SGD，lr = 0.01，momentum = 0.5）"},
            "en": {"x": "epoch", "loss": "training loss (cross-entropy, epoch mean)",
                   "uniform": "ln 10 ≈ 2.303: a uniform guess",
                   "loss_title": "Training loss per epoch",
                   "acc": "test accuracy (%)",
                   "acc_title": "Test accuracy after each epoch (1000 images)",
                   "title": "Fully connected net on 4000 MNIST digits "
                            "(SGD, lr = 0.01, momentum = 0.5)"},
        },
    ),
    Figure(
        name="mnist-predictions",
        compute=_predictions,
        draw=_draw_predictions,
        labels={
            "zh": {"each": "真 {true} · 预测 {pred}", "random": "随机抽取", "mistakes": "预测错误",
                   "title": "测试集数字与网络的预测："
                            "前两行随机抽取，第三行是预测错误的例子（红框）"},
            "en": {"each": "true {true} · pred {pred}", "random": "random", "mistakes": "mistakes",
                   "title": "Test digits and predictions: "
                            "rows 1–2 random, row 3 mistakes (red frame)"},
        },
    ),
    Figure(
        name="mnist-confusion",
        compute=_confusion,
        draw=_draw_confusion,
        labels={
            "zh": {"x": "预测类别", "y": "真实类别", "bar": "错误次数（对角线以外）",
                   "top": "最常见的混淆：", "title": "测试集（每类 100 张）上的混淆矩阵"},
            "en": {"x": "predicted class", "y": "true class", "bar": "mistakes (off the diagonal)",
                   "top": "most frequent confusions: ",
                   "title": "Confusion matrix on the test set (100 per class)"},
        },
    ),
    Figure(
        name="mnist-linear-vs-deep",
        compute=_linear_vs_deep,
        draw=_draw_linear_vs_deep,
        labels={
            "zh": {"linear": "单层 softmax 回归（7850 个参数）",
                   "deep": "五层全连接网络（575050 个参数）",
                   "x": "训练轮数（epoch）", "loss": "训练损失（交叉熵）",
                   "acc": "测试集准确率（%）", "final": "最终测试准确率",
                   "title": "同样的数据、优化器和轮数：一层还是五层？"},
            "en": {"linear": "softmax regression, 1 layer (7850 parameters)",
                   "deep": "fully connected net, 5 layers (575050 parameters)",
                   "x": "epoch", "loss": "training loss (cross-entropy)",
                   "acc": "test accuracy (%)", "final": "final test accuracy",
                   "title": "Same data, optimizer and epochs: one layer or five?"},
        },
    ),
]
