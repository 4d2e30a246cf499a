"""Figures of chapter 07 (multiple dimension input): training and test loss, and training and
test accuracy, of the 8 → 6 → 4 → 1 sigmoid network over the long run; and the comparison of
hidden-layer activations in the exercise."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from docbuild import runs
from docbuild.figures import Figure
from snippets import datasets
from snippets import multiple_input as mi


@lru_cache(maxsize=None)
def _long_run(device):
    """Both long-run figures plot the same run: train it once per build."""
    history = runs.cached(mi.long_run, device=device)
    _, y_train, _, y_test = datasets.diabetes_split()
    return {
        "history": history,
        "plateau": mi.epochs_at_baseline(history),
        "flat_loss": mi.constant_prediction_loss(y_train),
        "baseline_train": mi.majority_baseline(y_train),
        "baseline_test": mi.majority_baseline(y_test),
    }


def _shade_plateau(ax, plateau, t, y=0.03):
    ax.axvspan(1, plateau, color="0.92", zorder=0)
    ax.text(plateau / 2, y, t["plateau"].format(epochs=plateau), transform=ax.get_xaxis_transform(),
            ha="center", va="bottom", fontsize=9, color="0.35")


def _draw_loss(data, t):
    import matplotlib.pyplot as plt

    history = data["history"]
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    ax.plot(epochs, history["train_loss"], color="C0", label=t["train"])
    ax.plot(epochs, history["test_loss"], color="C1", linestyle="--", label=t["test"])
    ax.axhline(data["flat_loss"], color="0.45", linestyle=":", linewidth=1.2,
               label=t["flat"].format(loss=data["flat_loss"]))
    _shade_plateau(ax, data["plateau"], t)
    end = epochs[-1]
    ax.annotate(t["end"].format(train=history["train_loss"][-1], test=history["test_loss"][-1]),
                xy=(end, history["test_loss"][-1]), xytext=(end, 0.53), ha="right",
                arrowprops={"arrowstyle": "->", "color": "0.3"}, fontsize=9)
    ax.set_xlim(0, end * 1.02)
    ax.set_ylim(0.40, 0.75)
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    ax.legend(loc="upper right", fontsize=9)
    return fig


def _draw_accuracy(data, t):
    import matplotlib.pyplot as plt

    history = data["history"]
    epochs = np.arange(1, len(history["train_acc"]) + 1)
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    ax.plot(epochs, history["train_acc"], color="C0", label=t["train"])
    ax.plot(epochs, history["test_acc"], color="C1", linestyle="--", label=t["test"])
    ax.axhline(data["baseline_test"], color="0.45", linestyle=":", linewidth=1.2,
               label=t["baseline"].format(train=data["baseline_train"], test=data["baseline_test"]))
    _shade_plateau(ax, data["plateau"], t, y=0.93)
    end = epochs[-1]
    ax.annotate(t["end"].format(train=history["train_acc"][-1], test=history["test_acc"][-1]),
                xy=(end, history["test_acc"][-1]), xytext=(end * 0.62, 0.85),
                arrowprops={"arrowstyle": "->", "color": "0.3"}, fontsize=9)
    ax.set_xlim(0, end * 1.02)
    ax.set_ylim(0.30, 0.92)
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    ax.legend(loc="lower right", fontsize=9)
    return fig


def _activations(device):
    return runs.cached(mi.compare_activations, epochs=3000, device=device)


def _draw_activations(runs, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.2))
    styles = {"Sigmoid": "-", "Tanh": "--", "ReLU": "-", "LeakyReLU": ":"}
    for i, (name, history) in enumerate(runs.items()):
        epochs = np.arange(1, len(history["test_loss"]) + 1)
        style = {"color": f"C{i}", "linestyle": styles.get(name, "-"),
                 "linewidth": 2.2 if name == "LeakyReLU" else 1.5}
        left.plot(epochs, history["test_loss"], label=f"{name}: {history['test_loss'][-1]:.4f}",
                  **style)
        right.plot(epochs, history["test_acc"], label=f"{name}: {history['test_acc'][-1]:.4f}",
                   **style)
    _, _, _, y_test = datasets.diabetes_split()
    right.axhline(mi.majority_baseline(y_test), color="0.45", linewidth=1, linestyle=":")
    right.text(epochs[-1], mi.majority_baseline(y_test) - 0.01, t["baseline"], ha="right", va="top",
               fontsize=9, color="0.35")
    left.set_ylabel(t["loss"])
    right.set_ylabel(t["acc"])
    right.set_ylim(0.30, 0.90)
    for ax in (left, right):
        ax.set_xlabel(t["x"])
        ax.legend(title=t["legend"], fontsize=9, title_fontsize=9)
    fig.suptitle(t["title"])
    return fig


FIGURES = [
    Figure(
        name="loss",
        compute=_long_run,
        draw=_draw_loss,
        labels={
            "zh": {"x": "训练轮数（epoch）", "y": "BCE 损失（均值）",
                   "train": "训练集（607 条记录）", "test": "测试集（152 条记录）",
                   "flat": "对所有人都预测同一概率时的损失 {loss:.4f}",
                   "plateau": "平台期：前 {epochs} 轮只会预测多数类",
                   "end": "最后一轮：\n训练 {train:.4f}，测试 {test:.4f}",
                   "title": "8→6→4→1 sigmoid 网络，SGD lr = 0.1，全批量"},
            "en": {"x": "epoch", "y": "BCE loss (mean)",
                   "train": "training split (607 records)", "test": "test split (152 records)",
                   "flat": "loss of one probability for everyone: {loss:.4f}",
                   "plateau": "plateau: majority class only for {epochs} epochs",
                   "end": "last epoch:\ntrain {train:.4f}, test {test:.4f}",
                   "title": "8→6→4→1 sigmoid network, SGD lr = 0.1, full batch"},
        },
    ),
    Figure(
        name="accuracy",
        compute=_long_run,
        draw=_draw_accuracy,
        labels={
            "zh": {"x": "训练轮数（epoch）", "y": "准确率（accuracy）",
                   "train": "训练集", "test": "测试集",
                   "baseline": "多数类基线：训练 {train:.4f}，测试 {test:.4f}",
                   "plateau": "平台期：前 {epochs} 轮只会预测多数类",
                   "end": "最后一轮：训练 {train:.4f}，测试 {test:.4f}",
                   "title": "准确率：训练集与测试集"},
            "en": {"x": "epoch", "y": "accuracy",
                   "train": "training split", "test": "test split",
                   "baseline": "majority baseline: train {train:.4f}, test {test:.4f}",
                   "plateau": "plateau: majority class only for {epochs} epochs",
                   "end": "last epoch: train {train:.4f}, test {test:.4f}",
                   "title": "Accuracy on the training and the test split"},
        },
    ),
    Figure(
        name="activations",
        compute=_activations,
        draw=_draw_activations,
        labels={
            "zh": {"x": "训练轮数（epoch）", "loss": "测试集 BCE 损失", "acc": "测试集准确率",
                   "legend": "隐藏层激活：最后一轮", "baseline": "多数类基线",
                   "title": "隐藏层换用不同激活函数（输出层保留 sigmoid；同一种子，SGD lr = 0.1）"},
            "en": {"x": "epoch", "loss": "test BCE loss", "acc": "test accuracy",
                   "legend": "hidden activation: last epoch", "baseline": "majority baseline",
                   "title": "Other hidden activations (sigmoid output kept; same seed, SGD lr = 0.1)"},
        },
    ),
]
