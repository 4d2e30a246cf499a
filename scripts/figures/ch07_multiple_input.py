"""Figures of chapter 07 (multiple dimension input): training and validation loss, and training
and validation accuracy, of the 8 → 6 → 4 → 1 sigmoid network over the long run (with the test
split measured once, at the epoch chosen on validation); the notes' exact setting (all 759
records, 100 000 epochs); and the comparison of hidden-layer activations in the exercise."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from docbuild import runs
from docbuild.figures import Figure
from snippets import multiple_input as mi


@lru_cache(maxsize=None)
def _long_run(device):
    """Both long-run figures plot the same run, trained once. The page quotes numbers of this
    run, so it always trains on the CPU (a GPU can change the last digits): `device` is unused."""
    run = runs.cached(mi.long_run)
    _, y_train, _, y_val, _, _ = mi.diabetes_splits()
    return {
        "run": run,
        "plateau": mi.epochs_at_baseline(run["history"]),
        "flat_loss": mi.constant_prediction_loss(y_train),
        "baseline_train": mi.majority_baseline(y_train),
        "baseline_val": mi.majority_baseline(y_val),
    }


def _shade_plateau(ax, plateau, t, y=0.03):
    ax.axvspan(1, plateau, color="0.92", zorder=0)
    ax.text(np.sqrt(plateau), y, t["plateau"].format(epochs=plateau), transform=ax.get_xaxis_transform(),
            ha="center", va="bottom", fontsize=9, color="0.35")


def _draw_loss(data, t):
    import matplotlib.pyplot as plt

    run = data["run"]
    history, best = run["history"], run["best_epoch"]
    epochs = np.arange(1, len(history["train_loss"]) + 1)
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    ax.plot(epochs, history["train_loss"], color="C0", label=t["train"])
    ax.plot(epochs, history["val_loss"], color="C1", linestyle="--", label=t["val"])
    ax.axhline(data["flat_loss"], color="0.45", linestyle=":", linewidth=1.2,
               label=t["flat"].format(loss=data["flat_loss"]))
    ax.axvline(best, color="C3", linestyle="--", linewidth=1)
    ax.annotate(t["best"].format(epoch=best, loss=history["val_loss"][best - 1]),
                xy=(best, history["val_loss"][best - 1]), xytext=(best * 0.7, 0.37), ha="right",
                arrowprops={"arrowstyle": "->", "color": "C3"}, color="C3", fontsize=9)
    _shade_plateau(ax, data["plateau"], t)
    ax.set_xscale("log")
    ax.set_xlim(1, epochs[-1] * 1.1)
    ax.set_ylim(0.30, 0.80)
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    ax.legend(loc="upper left", fontsize=9)
    return fig


def _draw_accuracy(data, t):
    import matplotlib.pyplot as plt

    run = data["run"]
    history, best = run["history"], run["best_epoch"]
    epochs = np.arange(1, len(history["train_acc"]) + 1)
    fig, ax = plt.subplots(figsize=(7.0, 4.2))
    ax.plot(epochs, history["train_acc"], color="C0", label=t["train"])
    ax.plot(epochs, history["val_acc"], color="C1", linestyle="--", label=t["val"])
    ax.axhline(data["baseline_val"], color="0.45", linestyle=":", linewidth=1.2,
               label=t["baseline"].format(train=data["baseline_train"], val=data["baseline_val"]))
    ax.axvline(best, color="C3", linestyle="--", linewidth=1)
    ax.plot([best], [run["test_acc"]], marker="*", markersize=14, color="C3", linestyle="",
            label=t["test"].format(epoch=best, acc=run["test_acc"]))
    _shade_plateau(ax, data["plateau"], t, y=0.93)
    ax.set_xscale("log")
    ax.set_xlim(1, epochs[-1] * 1.1)
    ax.set_ylim(0.30, 0.92)
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    ax.legend(loc="lower right", fontsize=9)
    return fig


def _notes_setting(device):
    # CPU, like the long run: the page quotes its numbers
    return runs.cached(mi.notes_run)


def _draw_notes_setting(history, t):
    import matplotlib.pyplot as plt

    epochs = np.arange(1, len(history["loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    left.plot(epochs, history["loss"], color="C0")
    right.plot(epochs, history["acc"], color="C0")
    for ax, key, label in ((left, "loss", t["loss"]), (right, "acc", t["acc"])):
        ax.set_xscale("log")
        ax.set_xlabel(t["x"])
        ax.set_ylabel(label)
        ax.annotate(t["end"].format(value=history[key][-1]), xy=(epochs[-1], history[key][-1]),
                    xytext=(0.97, 0.5 if key == "loss" else 0.35), textcoords="axes fraction", ha="right",
                    arrowprops={"arrowstyle": "->", "color": "0.3"}, fontsize=9)
    fig.suptitle(t["title"])
    return fig


def _activations(device):
    return runs.cached(mi.compare_activations, epochs=3000, device=device)


def _draw_activations(runs, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.2))
    styles = {"Sigmoid": "-", "Tanh": "--", "ReLU": "-", "LeakyReLU": ":"}
    for i, (name, history) in enumerate(runs.items()):
        epochs = np.arange(1, len(history["val_loss"]) + 1)
        style = {"color": f"C{i}", "linestyle": styles.get(name, "-"),
                 "linewidth": 2.2 if name == "LeakyReLU" else 1.5}
        left.plot(epochs, history["val_loss"], label=f"{name}: {history['val_loss'][-1]:.4f}",
                  **style)
        right.plot(epochs, history["val_acc"], label=f"{name}: {history['val_acc'][-1]:.4f}",
                   **style)
    _, _, _, y_val, _, _ = mi.diabetes_splits()
    right.axhline(mi.majority_baseline(y_val), color="0.45", linewidth=1, linestyle=":")
    right.text(epochs[-1], mi.majority_baseline(y_val) - 0.01, t["baseline"], ha="right", va="top",
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
            "zh": {"x": "训练轮数（epoch，对数坐标）", "y": "BCE 损失（均值）",
                   "train": "训练集（456 条记录）", "val": "验证集（151 条记录）",
                   "flat": "对所有人都预测同一概率时的损失 {loss:.4f}",
                   "plateau": "平台期：前 {epochs} 轮只会预测多数类",
                   "best": "验证损失最低：第 {epoch} 轮，{loss:.4f}",
                   "title": "8→6→4→1 sigmoid 网络，SGD lr = 0.1，全批量，100 000 轮"},
            "en": {"x": "epoch (log scale)", "y": "BCE loss (mean)",
                   "train": "training split (456 records)", "val": "validation split (151 records)",
                   "flat": "loss of one probability for everyone: {loss:.4f}",
                   "plateau": "plateau: majority class only for {epochs} epochs",
                   "best": "lowest validation loss: epoch {epoch}, {loss:.4f}",
                   "title": "8→6→4→1 sigmoid network, SGD lr = 0.1, full batch, 100 000 epochs"},
        },
    ),
    Figure(
        name="accuracy",
        compute=_long_run,
        draw=_draw_accuracy,
        labels={
            "zh": {"x": "训练轮数（epoch，对数坐标）", "y": "准确率（accuracy）",
                   "train": "训练集", "val": "验证集",
                   "baseline": "多数类基线：训练 {train:.4f}，验证 {val:.4f}",
                   "plateau": "平台期：前 {epochs} 轮只会预测多数类",
                   "test": "测试集，只测一次（第 {epoch} 轮的模型）：{acc:.4f}",
                   "title": "准确率：训练集与验证集"},
            "en": {"x": "epoch (log scale)", "y": "accuracy",
                   "train": "training split", "val": "validation split",
                   "baseline": "majority baseline: train {train:.4f}, validation {val:.4f}",
                   "plateau": "plateau: majority class only for {epochs} epochs",
                   "test": "test split, measured once (model of epoch {epoch}): {acc:.4f}",
                   "title": "Accuracy on the training and the validation split"},
        },
    ),
    Figure(
        name="notes-setting",
        compute=_notes_setting,
        draw=_draw_notes_setting,
        labels={
            "zh": {"x": "训练轮数（epoch，对数坐标）", "loss": "BCE 损失（全部 759 条记录）",
                   "acc": "准确率（全部 759 条记录）", "end": "第 100 000 轮：{value:.4f}",
                   "title": "笔记的原始设置：在全部 759 条记录上训练 100 000 轮，没有留出任何数据"},
            "en": {"x": "epoch (log scale)", "loss": "BCE loss (all 759 records)",
                   "acc": "accuracy (all 759 records)", "end": "epoch 100 000: {value:.4f}",
                   "title": "The notes' setting: 100 000 epochs on all 759 records, nothing held out"},
        },
    ),
    Figure(
        name="activations",
        compute=_activations,
        draw=_draw_activations,
        labels={
            "zh": {"x": "训练轮数（epoch）", "loss": "验证集 BCE 损失", "acc": "验证集准确率",
                   "legend": "隐藏层激活：最后一轮", "baseline": "多数类基线",
                   "title": "隐藏层换用不同激活函数（输出层保留 sigmoid；同一种子，SGD lr = 0.1）"},
            "en": {"x": "epoch", "loss": "validation BCE loss", "acc": "validation accuracy",
                   "legend": "hidden activation: last epoch", "baseline": "majority baseline",
                   "title": "Other hidden activations (sigmoid output kept; same seed, SGD lr = 0.1)"},
        },
    ),
]
