"""Figures of chapter 08 (Dataset and DataLoader): mini-batch versus full-batch training on the
diabetes data, and the Titanic exercise (accuracy per epoch, and several random splits)."""

from __future__ import annotations

import numpy as np

from docbuild import runs
from docbuild.figures import Figure
from snippets import dataset_dataloader as dd

EPOCHS = 300  # diabetes: passes over the data in the mini-batch versus full-batch comparison
BATCH_SIZE = 32
SAMPLES = 759


# ---------------------------------------------------------------- mini-batch versus full batch
def _minibatch_vs_fullbatch(device):
    _, mini = runs.cached(dd.train_diabetes, epochs=EPOCHS, batch_size=BATCH_SIZE, device=device)
    updates_per_epoch = -(-SAMPLES // BATCH_SIZE)  # 24
    full = runs.cached(dd.train_full_batch, updates=EPOCHS * updates_per_epoch, device=device)
    return {"mini": mini["loss"], "full": full["loss"], "per_epoch": updates_per_epoch}


def _draw_minibatch_vs_fullbatch(data, t):
    import matplotlib.pyplot as plt

    mini, full, per_epoch = np.asarray(data["mini"]), np.asarray(data["full"]), data["per_epoch"]
    epochs = np.arange(1, len(mini) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.5, 4.2), sharey=True)
    left.plot(epochs, mini, color="C0", label=t["mini"])
    left.plot(epochs, full[: len(mini)], color="C1", label=t["full"])
    left.set_xlabel(t["epoch"])
    left.set_ylabel(t["loss"])
    left.set_title(t["left_title"])
    left.legend()
    right.plot(epochs * per_epoch, mini, color="C0", label=t["mini"])
    right.plot(np.arange(1, len(full) + 1), full, color="C1", label=t["full"])
    right.set_xlabel(t["updates"])
    right.set_title(t["right_title"])
    right.legend()
    ends = ((left, epochs[-1], mini[-1], "C0"), (left, epochs[-1], full[len(mini) - 1], "C1"),
            (right, epochs[-1] * per_epoch, mini[-1], "C0"), (right, len(full), full[-1], "C1"))
    for ax, x, y, color in ends:  # the final values, as quoted in the text
        ax.plot([x], [y], marker="o", color=color)
        below = y < 0.55 and color == "C1"  # two end points close together: one label above, one below
        ax.annotate(f"{y:.4f}", xy=(x, y), xytext=(-9, -9 if below else 6), textcoords="offset points",
                    ha="right", va="top" if below else "bottom", color=color, fontsize=9)
    left.set_ylim(bottom=min(mini.min(), full.min()) - 0.03)  # room for the labels (shared y)
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- Titanic
def _titanic_accuracy(device):
    result = runs.cached(dd.train_titanic, device=device)
    return {key: result[key] for key in ("train_accuracy", "test_accuracy", "baselines")}


def _draw_titanic_accuracy(data, t):
    import matplotlib.pyplot as plt

    train, test = np.asarray(data["train_accuracy"]), np.asarray(data["test_accuracy"])
    epochs = np.arange(1, len(train) + 1)
    fig, ax = plt.subplots(figsize=(6.8, 4.2))
    ax.plot(epochs, train, color="C0", label=t["train"])
    ax.plot(epochs, test, color="C1", label=t["test"])
    styles = {"women survive": ("C2", "--"), "everyone dies": ("0.45", ":")}
    for name, (color, style) in styles.items():
        value = data["baselines"][name]
        ax.axhline(value, color=color, linestyle=style, linewidth=1.2,
                   label=f"{t[name]} ({value:.4f})")
    ax.set_xlabel(t["epoch"])
    ax.set_ylabel(t["accuracy"])
    ax.set_title(t["title"])
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=9)
    return fig


def _titanic_splits(device):
    return runs.cached(dd.titanic_over_splits, device=device)


def _draw_titanic_splits(rows, t):
    import matplotlib.pyplot as plt

    keys = ("everyone dies", "women survive", "network")
    colors = ("0.7", "C2", "C1")
    groups = [f"{t['split']} {row['seed']}" for row in rows] + [t["mean"]]
    x = np.arange(len(groups))
    width = 0.27
    fig, ax = plt.subplots(figsize=(8.6, 4.4))
    for k, (key, color) in enumerate(zip(keys, colors)):
        values = [row[key] for row in rows]
        values.append(float(np.mean(values)))
        bars = ax.bar(x + (k - 1) * width, values, width, color=color, label=t[key])
        ax.bar_label(bars, labels=[f"{v:.3f}" for v in values], fontsize=7, padding=2)
    ax.axvline(len(rows) - 0.5, color="0.6", linewidth=0.8, linestyle=":")
    ax.set_xticks(x, groups)
    ax.set_ylim(0.5, 0.9)
    ax.set_ylabel(t["accuracy"])
    ax.set_title(t["title"])
    ax.legend(loc="upper left", ncol=3, fontsize=9)
    return fig


FIGURES = [
    Figure(
        name="minibatch-vs-fullbatch",
        compute=_minibatch_vs_fullbatch,
        draw=_draw_minibatch_vs_fullbatch,
        labels={
            "zh": {"mini": "小批量（batch_size = 32）", "full": "全批量（759 个样本一起）",
                   "epoch": "训练轮数（epoch）", "updates": "参数更新次数（iteration）",
                   "loss": "全部 759 个样本上的 BCE 损失",
                   "left_title": "按 epoch 计：同样 300 轮",
                   "right_title": "按更新次数计：同样 7200 次更新"},
            "en": {"mini": "mini-batch (batch_size = 32)", "full": "full batch (all 759 samples)",
                   "epoch": "epoch", "updates": "parameter updates (iterations)",
                   "loss": "BCE loss on all 759 samples",
                   "left_title": "Per epoch: the same 300 epochs",
                   "right_title": "Per update: the same 7200 updates"},
        },
    ),
    Figure(
        name="titanic-accuracy",
        compute=_titanic_accuracy,
        draw=_draw_titanic_accuracy,
        labels={
            "zh": {"train": "训练集（1047 人）", "test": "测试集（262 人）",
                   "women survive": "规则“女性生还”", "everyone dies": "规则“全员遇难”",
                   "epoch": "训练轮数（epoch）", "accuracy": "准确率",
                   "title": "泰坦尼克号：每轮之后的准确率（划分种子 0）"},
            "en": {"train": "training split (1047 passengers)", "test": "test split (262)",
                   "women survive": "rule \"women survive\"",
                   "everyone dies": "rule \"everyone dies\"",
                   "epoch": "epoch", "accuracy": "accuracy",
                   "title": "Titanic: accuracy after every epoch (split seed 0)"},
        },
    ),
    Figure(
        name="titanic-splits",
        compute=_titanic_splits,
        draw=_draw_titanic_splits,
        labels={
            "zh": {"everyone dies": "全员遇难", "women survive": "女性生还", "network": "神经网络",
                   "split": "划分", "mean": "平均", "accuracy": "测试集准确率",
                   "title": "5 种随机划分上的测试集准确率（每个测试集 262 人）"},
            "en": {"everyone dies": "everyone dies", "women survive": "women survive",
                   "network": "network", "split": "split", "mean": "mean",
                   "accuracy": "test accuracy",
                   "title": "Test accuracy on 5 random splits (262 test passengers each)"},
        },
    ),
]
