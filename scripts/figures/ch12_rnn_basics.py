"""Figures of chapter 12 (RNN basics): the "hello" -> "ohlol" models over 20 seeds, how far a
gradient reaches back through untrained RNN, LSTM and GRU layers, and the training loss of the
character-level language model on the Zen of Python with the three layers."""

from __future__ import annotations

import math

import numpy as np

from docbuild import runs
from docbuild.figures import Figure
from snippets import rnn_basics as rb

SEEDS = 20
EPOCHS = 15
LM_EPOCHS = 100


def _hello(device):
    return {kind: runs.cached(rb.hello_seed_runs, kind, seeds=SEEDS, epochs=EPOCHS, device=device)
            for kind in ("cell", "embedding", "lstm", "gru")}


def _draw_hello(data, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9.4, 4.0), layout="constrained",
                                      gridspec_kw={"width_ratios": [1, 1.15]})
    seed = 2
    epochs = np.arange(1, EPOCHS + 1)
    cell = [loss / 5 for _, loss in data["cell"][seed]]  # the summed loss, as a mean
    left.plot(epochs, cell, marker="o", markersize=3.5, color="C0", label=t["cell"])
    embedding = [loss for _, loss in data["embedding"][seed]]
    left.plot(epochs, embedding, marker="s", markersize=3.5, color="C1", label=t["embedding"])
    left.axhline(math.log(4), color="0.5", linestyle="--", linewidth=1)
    left.text(EPOCHS, math.log(4) + 0.03, t["uniform"], ha="right", va="bottom", fontsize=9,
              color="0.35")
    left.set_xlabel(t["x"])
    left.set_ylabel(t["loss"])
    left.set_title(t["left"], fontsize=10)
    left.set_ylim(0, 1.6)
    left.set_xticks(epochs[::2])
    left.legend(fontsize=9, loc="upper right", bbox_to_anchor=(1.0, 0.8))
    left.grid(alpha=0.3)

    keys = ("cell", "embedding", "lstm", "gru")
    never = EPOCHS + 3
    rng = np.random.default_rng(0)
    for row, key in enumerate(keys):
        firsts = [rb.first_epoch(h) for h in data[key]]
        reached = np.array([f for f in firsts if f is not None], dtype=float)
        missed = sum(f is None for f in firsts)
        jitter = rng.uniform(-0.18, 0.18, size=len(firsts))
        ys = row + jitter
        right.scatter(reached, ys[: len(reached)], s=22, color=f"C{row}", alpha=0.8, zorder=3)
        if missed:
            right.scatter([never] * missed, ys[len(reached):], marker="x", s=30, color="0.25", zorder=3)
        right.text(never + 1.2, row, t["count"].format(n=len(reached), total=len(firsts)),
                   va="center", fontsize=9)
    right.axvline(EPOCHS + 1.5, color="0.6", linewidth=0.8)
    right.set_yticks(range(len(keys)), [t[f"row_{k}"] for k in keys], fontsize=9)
    right.set_xticks(list(range(1, EPOCHS + 1, 2)) + [never], list(range(1, EPOCHS + 1, 2)) + [t["never"]])
    right.set_xlim(0.3, never + 6.5)
    right.set_ylim(len(keys) - 0.5, -0.5)
    right.set_xlabel(t["first"])
    right.set_title(t["right"], fontsize=10)
    right.grid(alpha=0.3, axis="x")
    fig.suptitle(t["title"])
    return fig


def _gradients(device):
    return {
        "rnn": rb.gradient_through_time("rnn").numpy(),
        "lstm": rb.gradient_through_time("lstm").numpy(),
        "gru": rb.gradient_through_time("gru").numpy(),
        "lstm_bias": rb.gradient_through_time("lstm", forget_bias=3.0).numpy(),
    }


def _draw_gradients(data, t):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.6, 4.2), layout="constrained")
    styles = (("rnn", "C0", "-"), ("lstm", "C1", "-"), ("gru", "C2", "-"), ("lstm_bias", "C1", "--"))
    for key, color, style in styles:
        values = data[key]
        ax.semilogy(np.arange(len(values)), values, color=color, linestyle=style, linewidth=2,
                    label=t[key])
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_ylim(1e-18, 10)
    ax.grid(alpha=0.3, which="major")
    ax.legend(fontsize=9, loc="lower left")
    ax.set_title(t["title"])
    return fig


def _language_models(device):
    text = rb.zen_of_python()
    losses = {}
    for kind in ("rnn", "lstm", "gru"):
        _, vocab, losses[kind] = runs.cached(rb.train_language_model, text, kind=kind,
                                             epochs=LM_EPOCHS, device=device)
    return {"losses": losses, "vocab_size": len(vocab)}


def _draw_language_models(data, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(9.4, 3.9), layout="constrained")
    for key, color in (("rnn", "C0"), ("lstm", "C1"), ("gru", "C2")):
        losses = np.asarray(data["losses"][key])
        epochs = np.arange(1, len(losses) + 1)
        left.plot(epochs, losses, color=color, linewidth=1.8,
                  label=f"{t[key]}: {t['final']} {losses[-1]:.3f}")
        right.semilogy(epochs, losses, color=color, linewidth=1.8)
    uniform = math.log(data["vocab_size"])
    left.axhline(uniform, color="0.5", linestyle="--", linewidth=1)
    left.text(len(epochs), uniform - 0.08, t["uniform"].format(v=data["vocab_size"], u=uniform),
              ha="right", va="top", fontsize=9, color="0.35")
    left.set_ylim(0, 4.2)
    left.set_ylabel(t["loss"])
    left.set_title(t["linear"], fontsize=10)
    right.set_title(t["log"], fontsize=10)
    for ax in (left, right):
        ax.set_xlabel(t["x"])
        ax.grid(alpha=0.3)
    fig.legend(loc="outside lower center", ncol=3, fontsize=9, frameon=False)
    fig.suptitle(t["title"])
    return fig


FIGURES = [
    Figure(
        name="hello-seeds",
        compute=_hello,
        draw=_draw_hello,
        labels={
            "zh": {"cell": "RNNCell / nn.RNN（总损失 ÷ 5）", "embedding": "嵌入 + 两层 RNN + 线性层",
                   "uniform": "ln 4 ≈ 1.386：四个字母平均猜",
                   "x": "训练轮数（epoch）", "loss": "损失（五个字母的平均交叉熵）",
                   "left": "种子 2 的损失（即正文中的那次运行）",
                   "first": "第一次预测出“ohlol”的轮数", "never": "未达到",
                   "count": "{n}/{total} 次达到",
                   "row_cell": "RNNCell\n（隐藏层 4）", "row_embedding": "嵌入 + RNN",
                   "row_lstm": "嵌入 + LSTM", "row_gru": "嵌入 + GRU",
                   "right": "20 个随机种子，每个模型训练 15 轮",
                   "title": "“hello” → “ohlol”：一次运行和 20 个种子"},
            "en": {"cell": "RNNCell / nn.RNN (summed loss ÷ 5)",
                   "embedding": "embedding + 2-layer RNN + linear",
                   "uniform": "ln 4 ≈ 1.386: a uniform guess",
                   "x": "epoch", "loss": "loss (mean cross-entropy of 5 letters)",
                   "left": "Loss with seed 2 (the runs on this page)",
                   "first": "first epoch predicting “ohlol”", "never": "never",
                   "count": "{n}/{total} reach it",
                   "row_cell": "RNNCell\n(hidden 4)", "row_embedding": "embedding + RNN",
                   "row_lstm": "embedding + LSTM", "row_gru": "embedding + GRU",
                   "right": "20 random seeds, 15 epochs per model",
                   "title": "“hello” → “ohlol”: one run, and 20 seeds"},
        },
    ),
    Figure(
        name="gradient-decay",
        compute=_gradients,
        draw=_draw_gradients,
        labels={
            "zh": {"rnn": "简单 RNN（tanh）", "lstm": "LSTM（默认初始化，遗忘门 ≈ 0.5）",
                   "gru": "GRU（默认初始化）", "lstm_bias": "LSTM，遗忘门偏置为 3（遗忘门 ≈ 0.95）",
                   "x": "输入距离序列末尾的步数 T − t", "y": "梯度范数 ‖∂ sum(h_T) / ∂ x_t‖（对数坐标）",
                   "title": "未经训练的循环层：梯度随时间步数指数衰减"},
            "en": {"rnn": "simple RNN (tanh)", "lstm": "LSTM (default initialisation, forget gate ≈ 0.5)",
                   "gru": "GRU (default initialisation)",
                   "lstm_bias": "LSTM with forget-gate bias 3 (forget gate ≈ 0.95)",
                   "x": "steps between the input and the end, T − t",
                   "y": "gradient norm ‖∂ sum(h_T) / ∂ x_t‖ (log scale)",
                   "title": "Untrained recurrent layers: gradients decay exponentially with distance"},
        },
    ),
    Figure(
        name="language-model",
        compute=_language_models,
        draw=_draw_language_models,
        labels={
            "zh": {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "final": "最终损失",
                   "uniform": "ln {v} ≈ {u:.3f}：平均猜",
                   "x": "训练轮数（epoch，遍历全文一次）", "loss": "每个字符的平均交叉熵",
                   "linear": "线性坐标", "log": "对数坐标",
                   "title": "在《Python 之禅》（856 个字符）上训练字符级语言模型"},
            "en": {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "final": "final loss",
                   "uniform": "ln {v} ≈ {u:.3f}: a uniform guess",
                   "x": "epoch (one pass over the text)", "loss": "mean cross-entropy per character",
                   "linear": "linear scale", "log": "log scale",
                   "title": "Character-level language model on the Zen of Python (856 characters)"},
        },
    ),
]
