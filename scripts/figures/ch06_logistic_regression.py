"""Figures of chapter 06 (logistic regression): the logistic function beside other sigmoid
functions, the two branches of the BCE loss, the probability of passing against the hours
studied (three and four students), training longer or with larger learning rates, and MSE
against BCE."""

from __future__ import annotations

import math

import numpy as np

from docbuild.figures import Figure
from snippets import logistic_regression as lg

BCE_EXAMPLE = ([0.9, 0.2, 0.6, 0.8], [1, 0, 1, 0])  # the worked example of the page
EXERCISE_LRS = (0.01, 0.1, 1.0)
BAD_START = (-3.0, 0.0)  # exercise 2: a start that is confidently wrong


def _sigmoids(device):
    import torch

    x = torch.linspace(-10.0, 10.0, 401)
    s = lg.logistic(x)
    return {
        "x": x.numpy(),
        "logistic": s.numpy(),
        "slope": (s * (1 - s)).numpy(),
        "tanh": torch.tanh(x).numpy(),
        "erf": torch.erf(x).numpy(),
        "atan": (2 / math.pi * torch.atan(x)).numpy(),  # scaled to (-1, 1)
        "algebraic": (x / torch.sqrt(1 + x**2)).numpy(),
    }


def _draw_sigmoids(d, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    x = d["x"]
    for ax in (left, right):
        ax.axvspan(-10, -5, color="0.92", zorder=0)
        ax.axvspan(5, 10, color="0.92", zorder=0)
        ax.axhline(0, color="0.5", linewidth=0.8)
        ax.axvline(0, color="0.5", linewidth=0.8)
        ax.set_xlim(-10, 10)
        ax.set_xlabel("x")
        ax.grid(True, alpha=0.4)
    left.plot(x, d["logistic"], color="C0", linewidth=2.2, label=t["logistic"])
    left.plot(x, d["slope"], color="C1", linestyle="--", label=t["slope"])
    left.plot([0], [0.5], marker="o", color="C0")
    left.annotate("σ(0) = 0.5", xy=(0, 0.5), xytext=(1.0, 0.38), color="C0")
    left.text(-7.5, 0.62, t["saturated"], ha="center", fontsize=9, color="0.3")
    left.text(7.5, 0.3, t["saturated"], ha="center", fontsize=9, color="0.3")
    left.set_ylim(-0.08, 1.08)
    left.set_title(t["left"])
    left.legend(loc="upper left", fontsize=9)
    curves = (("logistic", "2σ(x) − 1", "C0"), ("tanh", "tanh(x)", "C2"),
              ("erf", "erf(x)", "C3"), ("atan", "(2/π) arctan(x)", "C4"),
              ("algebraic", "x / √(1 + x²)", "C5"))
    for key, label, color in curves:
        y = 2 * d[key] - 1 if key == "logistic" else d[key]
        right.plot(x, y, color=color, label=label, linewidth=2.2 if key == "logistic" else 1.4)
    right.set_ylim(-1.1, 1.1)
    right.set_title(t["right"])
    right.legend(loc="lower right", fontsize=8.5)
    fig.tight_layout()
    return fig


def _bce_curves(device):
    y_pred, y = BCE_EXAMPLE
    return y_pred, y, lg.bce_by_hand(y_pred, y)


def _draw_bce_curves(data, t):
    import matplotlib.pyplot as plt

    y_pred, y, losses = data
    p = np.linspace(0.001, 0.999, 500)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(p, -np.log(p), color="C0", label=t["one"])
    ax.plot(p, -np.log(1 - p), color="C1", label=t["zero"])
    offsets = ((-8, 10, "right"), (-8, 10, "right"), (8, 6, "left"), (-8, 10, "right"))
    for i, (pi, yi, li) in enumerate(zip(y_pred, y, losses)):
        color = "C0" if yi == 1 else "C1"
        dx, dy, ha = offsets[i]
        ax.plot([pi], [li], marker="o", color=color)
        ax.annotate(f"{i + 1}: {li:.4f}", xy=(pi, li), xytext=(dx, dy), textcoords="offset points",
                    color=color, fontsize=9, ha=ha)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 4.6)
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    ax.grid(True, alpha=0.4)
    ax.legend(loc="upper center")
    return fig


def _probability(device):
    model, _ = lg.train_logistic(device=device)
    hours, probs = lg.probability_curve(model)
    return hours, probs, lg.decision_boundary(model)


def _draw_probability(data, t):
    import matplotlib.pyplot as plt

    hours, probs, boundary = data
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    lg.plot_probability(ax, hours, probs, label=t["curve"], xlabel=t["x"], ylabel=t["y"])
    ax.scatter(lg.HOURS[:3], lg.PASSED[:3], color="k", zorder=3, label=t["data"])
    ax.axvline(boundary, color="0.3", linestyle=":")
    ax.annotate(t["boundary"].format(x=boundary), xy=(boundary, 0.5), xytext=(4.0, 0.3),
                arrowprops={"arrowstyle": "->", "color": "0.3"})
    ax.set_xlim(0, 10)
    ax.set_title(t["title"])
    ax.legend(loc="lower right")
    return fig


def _four_samples(device):
    curves = {}
    for samples, reduction in ((3, "sum"), (4, "mean")):
        model, _ = lg.train_logistic(samples=samples, reduction=reduction, device=device)
        curves[samples] = (*lg.probability_curve(model), lg.decision_boundary(model))
    return curves


def _draw_four_samples(curves, t):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for (samples, (hours, probs, boundary)), color in zip(curves.items(), ("C0", "C1")):
        label = t[f"curve{samples}"] + f", −b/w = {boundary:.4f}"
        lg.plot_probability(ax, hours, probs, label=label, color=color, xlabel=t["x"],
                            ylabel=t["y"])
        ax.axvline(boundary, color=color, linestyle=":")
    ax.scatter(lg.HOURS, lg.PASSED, color="k", zorder=3, label=t["data"])
    ax.set_xlim(0, 10)
    ax.set_title(t["title"])
    ax.legend(loc="lower right", fontsize=9)
    return fig


def _longer(device):
    runs = {}
    for lr in EXERCISE_LRS:
        model, history = lg.train_logistic(lr=lr, device=device)
        runs[lr] = (*lg.probability_curve(model), history["w"], history["b"])
    return runs


def _draw_longer(runs, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    for (lr, (hours, probs, ws, bs)), color in zip(runs.items(), ("C0", "C2", "C4")):
        lg.plot_probability(left, hours, probs, label=f"lr = {lr:g}", color=color,
                            xlabel=t["x"], ylabel=t["y"])
        steps = lr * np.arange(1, len(ws) + 1)  # lr × epochs: how far SGD has walked
        right.semilogx(steps, ws, color=color, label=f"lr = {lr:g}",
                       linewidth=3.5 if lr == 0.01 else 1.6, alpha=0.6 if lr == 0.01 else 1.0)
    left.scatter(lg.HOURS[:3], lg.PASSED[:3], color="k", zorder=3)
    left.set_xlim(0, 6)
    left.set_title(t["left"])
    left.legend(loc="upper left")
    right.set_xlabel(t["steps"])
    right.set_ylabel(t["w"])
    right.set_title(t["right"])
    right.grid(True, alpha=0.4)
    right.legend(loc="upper left")
    fig.tight_layout()
    return fig


def _mse_vs_bce(device):
    zs = np.linspace(-10, 10, 81)
    grads = np.array([lg.logit_gradients(float(z)) for z in zs])
    paths = {}
    for loss_fn in ("bce", "mse"):
        _, history = lg.train_logistic(loss_fn=loss_fn, init=BAD_START, device=device)
        w, b = np.asarray(history["w"]), np.asarray(history["b"])
        paths[loss_fn] = 1 / (1 + np.exp(-(3 * w + b)))  # P(pass | 3 hours) before each update
    return zs, grads, paths


def _draw_mse_vs_bce(data, t):
    import matplotlib.pyplot as plt

    zs, grads, paths = data
    fig, (left, right) = plt.subplots(1, 2, figsize=(10.0, 4.0))
    left.semilogy(zs, np.abs(grads[:, 1]), color="C0", label=t["bce"])
    left.semilogy(zs, np.abs(grads[:, 2]), color="C3", label=t["mse"])
    left.set_xlabel(t["z"])
    left.set_ylabel(t["grad"])
    left.set_title(t["left"])
    left.grid(True, alpha=0.4)
    left.legend(loc="lower left")
    epochs = np.arange(len(paths["bce"]))
    right.plot(epochs, paths["bce"], color="C0", label="BCELoss")
    right.plot(epochs, paths["mse"], color="C3", label="MSELoss")
    right.axhline(0.5, color="red", linewidth=1)
    right.set_ylim(-0.05, 1.05)
    right.set_xlabel(t["epoch"])
    right.set_ylabel(t["p3"])
    right.set_title(t["right"])
    right.grid(True, alpha=0.4)
    right.legend(loc="upper left")
    fig.tight_layout()
    return fig


FIGURES = [
    Figure(
        name="sigmoid-functions",
        compute=_sigmoids,
        draw=_draw_sigmoids,
        labels={
            "zh": {"logistic": "σ(x) = 1 / (1 + e⁻ˣ)", "slope": "斜率 σ'(x) = σ(x)(1 − σ(x))",
                   "saturated": "饱和区", "left": "logistic 函数及其导数",
                   "right": "其他 sigmoid 函数（值域都是 (−1, 1)）"},
            "en": {"logistic": "σ(x) = 1 / (1 + e⁻ˣ)", "slope": "slope σ'(x) = σ(x)(1 − σ(x))",
                   "saturated": "saturated", "left": "The logistic function and its slope",
                   "right": "Other sigmoid functions (all with range (−1, 1))"},
        },
    ),
    Figure(
        name="bce-curves",
        compute=_bce_curves,
        draw=_draw_bce_curves,
        labels={
            "zh": {"one": "y = 1：损失 −log ŷ", "zero": "y = 0：损失 −log(1 − ŷ)",
                   "x": "预测的概率 ŷ", "y": "单个样本的损失",
                   "title": "二元交叉熵：越自信地答错，罚得越重"},
            "en": {"one": "y = 1: loss −log ŷ", "zero": "y = 0: loss −log(1 − ŷ)",
                   "x": "predicted probability ŷ", "y": "loss of one sample",
                   "title": "Binary cross-entropy: confident mistakes cost the most"},
        },
    ),
    Figure(
        name="probability-hours",
        compute=_probability,
        draw=_draw_probability,
        labels={
            "zh": {"x": "学习时间（小时）", "y": "通过考试的概率", "curve": "模型预测的概率",
                   "data": "训练数据（0 = 未通过，1 = 通过）", "boundary": "决策边界 x = {x:.4f}",
                   "title": "3 个样本、BCELoss(sum)、lr = 0.01、1000 轮"},
            "en": {"x": "Hours", "y": "Probability of Pass", "curve": "model's probability",
                   "data": "training data (0 = fail, 1 = pass)",
                   "boundary": "decision boundary x = {x:.4f}",
                   "title": "3 samples, BCELoss(sum), lr = 0.01, 1000 epochs"},
        },
    ),
    Figure(
        name="four-samples",
        compute=_four_samples,
        draw=_draw_four_samples,
        labels={
            "zh": {"x": "学习时间（小时）", "y": "通过考试的概率",
                   "curve3": "3 个样本，sum", "curve4": "4 个样本，mean",
                   "data": "4 个样本的数据", "title": "同样 lr = 0.01、1000 轮：两个版本的笔记"},
            "en": {"x": "Hours", "y": "Probability of Pass",
                   "curve3": "3 samples, sum", "curve4": "4 samples, mean",
                   "data": "the 4 samples", "title": "Same lr = 0.01, 1000 epochs: the two versions"},
        },
    ),
    Figure(
        name="longer-training",
        compute=_longer,
        draw=_draw_longer,
        labels={
            "zh": {"x": "学习时间（小时）", "y": "通过考试的概率", "left": "训练 1000 轮后的概率曲线",
                   "steps": "学习率 × 轮数（对数坐标）", "w": "权重 w",
                   "right": "w 一直在增长：要紧的是 学习率 × 轮数"},
            "en": {"x": "Hours", "y": "Probability of Pass",
                   "left": "Probability after 1000 epochs",
                   "steps": "learning rate × epochs (log scale)", "w": "weight w",
                   "right": "w keeps growing; what counts is lr × epochs"},
        },
    ),
    Figure(
        name="mse-vs-bce",
        compute=_mse_vs_bce,
        draw=_draw_mse_vs_bce,
        labels={
            "zh": {"bce": "BCE：|ŷ − y|", "mse": "MSE：|2(ŷ − y) ŷ (1 − ŷ)|",
                   "z": "logit z = xw + b（标签 y = 1）", "grad": "|∂loss/∂z|（对数坐标）",
                   "left": "对 logit 的梯度（y = 1）", "epoch": "训练轮数（epoch）",
                   "p3": "学习 3 小时者通过的概率",
                   "right": "从 w = −3、b = 0 出发（lr = 0.01）"},
            "en": {"bce": "BCE: |ŷ − y|", "mse": "MSE: |2(ŷ − y) ŷ (1 − ŷ)|",
                   "z": "logit z = xw + b (label y = 1)", "grad": "|∂loss/∂z| (log scale)",
                   "left": "Gradient with respect to the logit (y = 1)", "epoch": "epoch",
                   "p3": "probability of passing after 3 hours",
                   "right": "Starting from w = −3, b = 0 (lr = 0.01)"},
        },
    ),
]
