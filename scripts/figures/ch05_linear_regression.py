"""Figures of chapter 05 (linear regression with PyTorch): the training loss of the four-step
program, the fitted lines after 100 and 1000 epochs, the apples-and-oranges losses with raw and
standardized inputs, the optimizer comparison and the cubic fit of sin(x)."""

from __future__ import annotations

import math

import numpy as np

from docbuild.figures import Figure
from snippets import linear_regression as lr

LOG_FLOOR = 1e-10  # a log axis cannot show 0; below this, float32 losses are rounding noise


def _training_loss(device):
    model, losses = lr.train_linear_model(epochs=1000, device=device)
    return losses


def _draw_training_loss(losses, t):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    epochs = np.arange(1, len(losses) + 1)  # loss of epoch k: before its update
    ax.semilogy(epochs, losses, color="C0", label=t["curve"])
    for k, offset in ((100, 30), (1000, 30)):
        ax.plot([k], [losses[k - 1]], marker="o", color="C3")
        ax.annotate(t["at"].format(epoch=k, loss=losses[k - 1]), xy=(k, losses[k - 1]),
                    xytext=(k - 330 if k == 1000 else k + 60, losses[k - 1] * offset),
                    arrowprops={"arrowstyle": "->", "color": "C3"}, color="C3")
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    ax.legend()
    return fig


def _fitted_lines(device):
    fits = {}
    for epochs in (100, 1000):
        model, _ = lr.train_linear_model(epochs=epochs, device=device)
        fits[epochs] = (*lr.parameters(model), lr.predict(model, 4.0))
    return fits


def _draw_fitted_lines(fits, t):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    xs = np.linspace(0.0, 4.2, 50)
    ax.plot(xs, 2 * xs, color="0.75", linewidth=5, alpha=0.6, label=t["truth"])
    for (epochs, (w, b, y4)), color in zip(fits.items(), ("C1", "C0")):
        ax.plot(xs, w * xs + b, color=color, label=f"{epochs} {t['epochs']}: y = {w:.4f}x + {b:.4f}")
        ax.plot([4.0], [y4], marker="o", color=color)
        ax.annotate(f"x = 4: {y4:.4f}", xy=(4.0, y4), xytext=(12, -12 if epochs == 100 else 2),
                    textcoords="offset points", color=color)
    ax.scatter([1.0, 2.0, 3.0], [2.0, 4.0, 6.0], color="k", zorder=3, label=t["data"])
    ax.set_xlim(0.0, 5.6)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(t["title"])
    ax.legend(loc="upper left")
    return fig


def _fruit_losses(device):
    runs = {}
    for key, kwargs in (("raw", {"lr": 1e-5}), ("std", {"lr": 0.1, "standardize": True})):
        _, losses = lr.fit_fruit_linear(epochs=100, device=device, **kwargs)
        runs[key] = losses
    return runs, lr.least_squares_loss()


def _draw_fruit_losses(data, t):
    import matplotlib.pyplot as plt

    runs, best = data
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.semilogy(runs["raw"], color="C1", label=t["raw"])
    ax.semilogy(runs["std"], color="C0", label=t["std"])
    ax.axhline(best, color="0.4", linestyle="--", linewidth=1, label=f"{t['best']} {best:.4f}")
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    ax.legend()
    return fig


def _optimizers(device):
    return lr.compare_optimizers(epochs=1000, device=device)


def _draw_optimizers(results, t):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.2, 4.6))
    styles = {"ASGD": ":", "LBFGS": "-.", "Rprop": "--"}
    for i, r in enumerate(results):
        losses = np.maximum(np.asarray(r["losses"]), LOG_FLOOR)
        epochs = np.arange(1, len(losses) + 1)
        ax.semilogy(epochs, losses, color=f"C{i}", linestyle=styles.get(r["name"], "-"),
                    linewidth=2.2 if r["name"] == "ASGD" else 1.5, label=r["name"])
    ax.axhspan(LOG_FLOOR / 10, LOG_FLOOR, color="0.9", zorder=0)
    ax.text(len(epochs) * 0.98, LOG_FLOOR / 3.5, t["floor"], ha="right", va="center", fontsize=9,
            color="0.35")
    ax.set_ylim(LOG_FLOOR / 10, 3e2)
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    ax.legend(ncol=2, fontsize=9, loc="lower right", bbox_to_anchor=(1.0, 0.12))
    return fig


def _sine(device):
    coefficients, losses = lr.fit_sine_polynomial(device=device)
    return coefficients


def _draw_sine(coefficients, t):
    import matplotlib.pyplot as plt

    a, b, c, d = coefficients
    xs = np.linspace(-math.pi, math.pi, 200)
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.plot(xs, np.sin(xs), color="0.5", linewidth=3, alpha=0.6, label="sin(x)")
    ax.plot(xs, a + b * xs + c * xs**2 + d * xs**3, color="C0",
            label=f"{a:.4f} + {b:.4f}x + {c:.4f}x² {'-' if d < 0 else '+'} {abs(d):.4f}x³")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(t["title"])
    ax.set_ylim(-1.15, 1.45)
    ax.legend(loc="upper left", fontsize=9)
    return fig


FIGURES = [
    Figure(
        name="training-loss",
        compute=_training_loss,
        draw=_draw_training_loss,
        labels={
            "zh": {"x": "训练轮数（epoch）", "y": "损失（MSE，求和，对数坐标）",
                   "curve": "SGD，lr = 0.01", "at": "第 {epoch} 轮：{loss:.2e}",
                   "title": "四步法训练：每轮的损失"},
            "en": {"x": "epoch", "y": "loss (summed MSE, log scale)",
                   "curve": "SGD, lr = 0.01", "at": "epoch {epoch}: {loss:.2e}",
                   "title": "Four-step training: loss per epoch"},
        },
    ),
    Figure(
        name="fitted-lines",
        compute=_fitted_lines,
        draw=_draw_fitted_lines,
        labels={
            "zh": {"truth": "真实关系 y = 2x", "epochs": "轮", "data": "训练数据",
                   "title": "训练 100 轮与 1000 轮后的直线，以及 x = 4 处的预测"},
            "en": {"truth": "true relation y = 2x", "epochs": "epochs", "data": "training data",
                   "title": "Lines after 100 and 1000 epochs, and the prediction at x = 4"},
        },
    ),
    Figure(
        name="fruit-losses",
        compute=_fruit_losses,
        draw=_draw_fruit_losses,
        labels={
            "zh": {"x": "训练轮数（epoch）", "y": "全部 5 个样本上的 MSE（对数坐标）",
                   "raw": "原始特征，lr = 1e-5", "std": "标准化特征，lr = 0.1",
                   "best": "最小二乘解的 MSE", "title": "苹果与橙子：nn.Linear(3, 2) 的训练损失"},
            "en": {"x": "epoch", "y": "MSE on all 5 samples (log scale)",
                   "raw": "raw features, lr = 1e-5", "std": "standardized features, lr = 0.1",
                   "best": "MSE of the least-squares solution",
                   "title": "Apples and oranges: training loss of nn.Linear(3, 2)"},
        },
    ),
    Figure(
        name="optimizer-comparison",
        compute=_optimizers,
        draw=_draw_optimizers,
        labels={
            "zh": {"x": "训练轮数（epoch）", "y": "损失（MSE，求和，对数坐标）",
                   "floor": "≤ 1e-10 的损失都画在 1e-10 处（float32 舍入噪声）",
                   "title": "同一问题、同一初值，8 种优化器，1000 轮（lr = 0.01，LBFGS 为 1）"},
            "en": {"x": "epoch", "y": "loss (summed MSE, log scale)",
                   "floor": "losses ≤ 1e-10 are drawn at 1e-10 (float32 rounding noise)",
                   "title": "Same problem, same start, 8 optimizers, 1000 epochs (lr = 0.01, LBFGS 1)"},
        },
    ),
    Figure(
        name="sine-cubic",
        compute=_sine,
        draw=_draw_sine,
        labels={
            "zh": {"title": "用 nn.Linear(3, 1) 在 x、x²、x³ 上拟合 sin(x)"},
            "en": {"title": "Fitting sin(x) with nn.Linear(3, 1) on x, x², x³"},
        },
    ),
]
