"""Figures of chapter 13 (RNN classifier): the eleven surname lists and the names drawn from
them, the training curves of the bidirectional GRU over three seeds against a unidirectional one
and the majority baseline, and the confusion matrix of the eleven countries."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from docbuild import runs
from docbuild.figures import Figure
from snippets import rnn_classifier as rc
from snippets import softmax_classifier as sc

EPOCHS = 12  # about a second per epoch on one CPU core
SEEDS = (0, 1, 2)


@lru_cache(maxsize=None)
def _trained(device):
    """The runs behind two figures (and the numbers the page and the tests quote)."""
    bidirectional = {seed: runs.cached(rc.train_classifier, epochs=EPOCHS, seed=seed, device=device)
                     for seed in SEEDS}
    one_way = runs.cached(rc.train_classifier, epochs=EPOCHS, bidirectional=False, seed=0,
                          device=device)
    return bidirectional, one_way


def _data(device):
    lists = rc.surname_lists()
    shared = rc.shared_names(lists)
    train, test = rc.surname_split()
    countries = list(lists)
    return {
        "countries": countries,
        "total": [len(lists[c]) for c in countries],
        "own": [sum(n.casefold() not in shared for n in lists[c]) for c in countries],
        "lengths": [[len(n) for n, country in train + test if country == c] for c in countries],
    }


def _draw_data(data, t):
    import matplotlib.pyplot as plt

    countries = data["countries"]
    y = np.arange(len(countries))
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.4, 4.6), layout="constrained", sharey=True)
    left.barh(y - 0.2, data["total"], height=0.4, color="C0", label=t["total"])
    left.barh(y + 0.2, data["own"], height=0.4, color="C2", label=t["own"])
    left.axvline(180, color="C3", linestyle="--", linewidth=1.2, label=t["drawn"])
    left.set_xscale("log")
    left.set_xlim(100, 8000)
    for k, total in enumerate(data["total"]):
        left.text(total * 1.08, k - 0.2, str(total), va="center", fontsize=8, color="0.3")
    left.set_xlabel(t["names"])
    left.set_title(t["left"], fontsize=10)
    left.grid(alpha=0.3, axis="x")
    right.boxplot(data["lengths"], positions=y, orientation="horizontal", widths=0.6,
                  medianprops={"color": "C3"}, flierprops={"markersize": 3})
    left.set_yticks(y, [t[c] for c in countries])  # after boxplot, which sets its own ticks
    left.set_ylim(len(countries) - 0.5, -0.5)
    right.set_xlabel(t["length"])
    right.set_title(t["right"], fontsize=10)
    right.grid(alpha=0.3, axis="x")
    fig.legend(loc="outside lower center", ncol=3, fontsize=8.5, frameon=False)
    fig.suptitle(t["title"])
    return fig


def _training(device):
    bidirectional, one_way = _trained(device)
    _, _, train_set, test_set = bidirectional[0]
    return {
        "bidirectional": {seed: run[1] for seed, run in bidirectional.items()},
        "one_way": one_way[1],
        "baseline": rc.majority_baseline(train_set, test_set),
    }


def _draw_training(data, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9.4, 4.2), layout="constrained")
    epochs = np.arange(1, EPOCHS + 1)
    finals = []
    for seed, history in data["bidirectional"].items():
        width = 2.0 if seed == 0 else 1.0
        accuracy = 100 * np.asarray(history["accuracy"])
        finals.append(accuracy[-1])
        label = t["bi"] if seed == 0 else None
        left.plot(epochs, history["loss"], color="C0", linewidth=width, label=label)
        right.plot(epochs, accuracy, color="C0", linewidth=width)
    one_way = data["one_way"]
    left.plot(epochs, one_way["loss"], color="C1", linestyle="--", linewidth=1.8, label=t["uni"])
    right.plot(epochs, 100 * np.asarray(one_way["accuracy"]), color="C1", linestyle="--", linewidth=1.8)
    right.axhline(100 * data["baseline"], color="0.4", linestyle=":", linewidth=1.5)
    right.text(EPOCHS, 100 * data["baseline"] + 1.5, t["baseline"].format(b=100 * data["baseline"]),
               ha="right", va="bottom", fontsize=9, color="0.3")
    right.text(EPOCHS, min(finals) - 9, t["range"].format(lo=min(finals), hi=max(finals)),
               ha="right", va="top", fontsize=9, color="C0")
    left.set_ylabel(t["loss"])
    left.set_ylim(0, 2.5)
    left.set_title(t["loss_title"], fontsize=10)
    right.set_ylabel(t["acc"])
    right.set_ylim(0, 100)
    right.set_title(t["acc_title"], fontsize=10)
    for ax in (left, right):
        ax.set_xlabel(t["x"])
        ax.set_xticks(epochs[::2])
        ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    fig.suptitle(t["title"])
    return fig


def _confusion(device):
    bidirectional, _ = _trained(device)
    model, _, train_set, test_set = bidirectional[0]
    _, test_loader = rc.make_loaders(train_set, test_set)
    labels, predicted = rc.predict(model, test_loader, device)
    matrix = sc.confusion_matrix(labels, predicted, num_classes=len(train_set.countries))
    return matrix.numpy(), train_set.countries, sc.most_confused(matrix, k=3)


def _draw_confusion(data, t):
    import matplotlib.pyplot as plt

    matrix, countries, top = data
    k = len(countries)
    fig, ax = plt.subplots(figsize=(7.4, 6.6), layout="constrained")
    ax.grid(False)
    off = matrix.astype(float)
    np.fill_diagonal(off, np.nan)
    ax.imshow(np.zeros_like(off), cmap="Greys", vmin=0, vmax=1)
    image = ax.imshow(off, cmap="Reds", vmin=0, vmax=max(1, np.nanmax(off)))
    for i in range(k):
        for j in range(k):
            value = matrix[i, j]
            if i == j:
                ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, color="#d8ecd8"))
            ax.text(j, i, str(value), ha="center", va="center", fontsize=8.5,
                    color="0.65" if value == 0 else ("white" if i != j and value >= 6 else "black"))
    names = [t[c] for c in countries]
    ax.set_xticks(range(k), names, rotation=45, ha="right", fontsize=9)
    ax.set_yticks(range(k), [f"{n} ({matrix[i, i]}/{matrix[i].sum()})" for i, n in enumerate(names)],
                  fontsize=9)
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    pairs = ", ".join(f"{t[countries[i]]}→{t[countries[j]]} ({n})" for i, j, n in top)
    ax.set_title(f"{t['title']}\n{t['top']}{pairs}", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label=t["bar"])
    return fig


_COUNTRIES = {
    "zh": {"Czech": "捷克", "Dutch": "荷兰", "English": "英国", "French": "法国", "German": "德国",
           "Greek": "希腊", "Irish": "爱尔兰", "Italian": "意大利", "Polish": "波兰",
           "Russian": "俄罗斯", "Spanish": "西班牙"},
    "en": {c: c for c in rc.SURNAME_SOURCES},
}

FIGURES = [
    Figure(
        name="data",
        compute=_data,
        draw=_draw_data,
        labels={
            "zh": {**_COUNTRIES["zh"], "total": "faker 列表中的姓氏（转写后去重）",
                   "own": "其中不在其他列表里的", "drawn": "每个国家抽取 180 个",
                   "names": "姓氏个数（对数坐标）", "left": "11 个 faker 姓氏列表",
                   "length": "字符数", "right": "抽取的姓氏的长度（每个国家 180 个）",
                   "title": "数据：faker 的姓氏列表，按类别平衡抽样"},
            "en": {**_COUNTRIES["en"], "total": "surnames in the faker list (transliterated, unique)",
                   "own": "of them on no other list", "drawn": "180 drawn per country",
                   "names": "number of surnames (log scale)", "left": "The 11 faker surname lists",
                   "length": "characters", "right": "Length of the drawn names (180 per country)",
                   "title": "The data: faker's surname lists, drawn class-balanced"},
        },
    ),
    Figure(
        name="training",
        compute=_training,
        draw=_draw_training,
        labels={
            "zh": {"bi": "双向 GRU（种子 0、1、2）", "uni": "单向 GRU（种子 0）",
                   "baseline": "多数类基线 {b:.1f}%", "range": "最终：{lo:.1f}% – {hi:.1f}%",
                   "x": "训练轮数（epoch）", "loss": "训练损失（交叉熵，每轮平均）",
                   "loss_title": "每轮的训练损失", "acc": "测试集准确率（%）",
                   "acc_title": "每轮结束后的测试准确率（396 个姓氏）",
                   "title": "姓氏 → 国家：11 个国家、1584 个训练姓氏（Adam，lr = 0.001，批大小 64）"},
            "en": {"bi": "bidirectional GRU (seeds 0, 1, 2)", "uni": "one-directional GRU (seed 0)",
                   "baseline": "majority baseline {b:.1f}%", "range": "final: {lo:.1f}% – {hi:.1f}%",
                   "x": "epoch", "loss": "training loss (cross-entropy, epoch mean)",
                   "loss_title": "Training loss per epoch", "acc": "test accuracy (%)",
                   "acc_title": "Test accuracy after each epoch (396 names)",
                   "title": "Surname → country: 11 countries, 1584 training names "
                            "(Adam, lr = 0.001, batch 64)"},
        },
    ),
    Figure(
        name="confusion",
        compute=_confusion,
        draw=_draw_confusion,
        labels={
            "zh": {**_COUNTRIES["zh"], "x": "预测的国家", "y": "真实的国家（括号内：猜对的个数）",
                   "bar": "错误次数（对角线以外）", "top": "最常见的混淆：",
                   "title": "双向 GRU 训练 12 轮后在测试集上的混淆矩阵"},
            "en": {**_COUNTRIES["en"], "x": "predicted country", "y": "true country (in brackets: correct)",
                   "bar": "mistakes (off the diagonal)", "top": "most frequent confusions: ",
                   "title": "Confusion matrix on the test set, bidirectional GRU after 12 epochs"},
        },
    ),
]
