"""Figures of chapter 04 (back propagation): the computational graph, two loss curves."""

from __future__ import annotations

from docbuild.figures import Figure
from snippets import back_propagation as bp

LONG_RUN = 10_000  # epochs of the quadratic model's long run (about 5 s on one CPU core)


# --- the computational graph of loss = (x * w - y) ** 2 with x = 1, y = 2, w = 1 ------------------

def _graph(device):
    return {"x": 1.0, "y": 2.0, "w": 1.0, **bp.backprop_by_hand(x=1.0, y=2.0, w=1.0)}


def _num(v: float) -> str:
    return f"{v:g}".replace("-", "\u2212")


def _draw_graph(d, t):
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch

    fwd, bwd = "#1f4e9c", "#c0392b"
    fig, ax = plt.subplots(figsize=(10.6, 4.3))
    ax.set_xlim(-0.8, 11.6)
    ax.set_ylim(-2.3, 2.3)
    ax.set_aspect("equal")
    ax.axis("off")

    def node(center, text, face, edge, width=1.1, size=14):
        cx, cy = center
        ax.add_patch(FancyBboxPatch((cx - width / 2, cy - 0.33), width, 0.66,
                                    boxstyle="round,pad=0.08", fc=face, ec=edge, lw=1.5))
        ax.text(cx, cy, text, ha="center", va="center", fontsize=size)

    # leaves hold values (blue), operations are orange, the loss is red
    x, w, y = (0.0, 1.2), (0.0, -1.2), (5.3, 1.75)
    mul, sub, sq, out = (2.4, 0.0), (5.3, 0.0), (8.2, 0.0), (10.9, 0.0)
    for center, name in ((x, "x"), (w, "w"), (y, "y")):
        node(center, f"${name} = {_num(d[name])}$", "#eef3fb", fwd, width=1.3)
    node(mul, r"$\times$", "#fdf2e3", "#b9770e", width=0.8, size=17)
    node(sub, r"$-$", "#fdf2e3", "#b9770e", width=0.8, size=17)
    node(sq, r"$(\cdot)^2$", "#fdf2e3", "#b9770e", width=0.9)
    node(out, t["loss"], "#fbeeee", bwd, width=0.9, size=13)

    def arrow(a, b, color, rad=0.0, shrink=(26, 26)):
        ax.annotate("", xy=b, xytext=a, arrowprops=dict(
            arrowstyle="-|>", color=color, lw=1.6, shrinkA=shrink[0], shrinkB=shrink[1],
            connectionstyle=f"arc3,rad={rad}", mutation_scale=16))

    # forward pass: values flow left to right
    arrow(x, mul, fwd, shrink=(30, 22))
    arrow(w, mul, fwd, shrink=(30, 22))
    arrow(y, sub, fwd, shrink=(18, 18))
    arrow(mul, sub, fwd, shrink=(22, 22))
    arrow(sub, sq, fwd, shrink=(22, 26))
    arrow(sq, out, fwd, shrink=(26, 28))
    above = dict(ha="center", va="bottom", fontsize=13, color=fwd)
    ax.text(3.85, 0.12, rf"$\hat{{y}} = {_num(d['y_hat'])}$", **above)
    ax.text(6.75, 0.12, f"$r = {_num(d['r'])}$", **above)
    ax.text(9.55, 0.12, rf"$\mathrm{{loss}} = {_num(d['loss'])}$", **above)

    # backward pass: gradients of the loss flow right to left, under the graph
    arrow(out, sq, bwd, rad=-0.5, shrink=(28, 26))
    arrow(sq, sub, bwd, rad=-0.5, shrink=(26, 22))
    arrow(sub, mul, bwd, rad=-0.5, shrink=(22, 22))
    arrow(mul, w, bwd, rad=-0.3, shrink=(22, 30))
    below = dict(ha="center", va="top", fontsize=13, color=bwd)
    ax.text(9.55, -0.78, "$1$", **below)
    ax.text(6.75, -0.78, rf"$\dfrac{{\partial\,\mathrm{{loss}}}}{{\partial r}} = 2r = {_num(d['dloss_dr'])}$",
            **below)
    dyhat = d["dloss_dr"] * d["dr_dyhat"]
    ax.text(3.85, -0.78, rf"$\dfrac{{\partial\,\mathrm{{loss}}}}{{\partial \hat{{y}}}}"
            rf" = {_num(d['dloss_dr'])} \times 1 = {_num(dyhat)}$", **below)
    ax.text(0.9, -1.72, rf"$\dfrac{{\partial\,\mathrm{{loss}}}}{{\partial w}}"
            rf" = {_num(dyhat)} \times x = {_num(d['dloss_dw'])}$",
            ha="left", va="center", fontsize=14, color=bwd)

    ax.legend(handles=[Line2D([], [], color=fwd, lw=2, label=t["forward"]),
                       Line2D([], [], color=bwd, lw=2, label=t["backward"])],
              loc="upper right", frameon=False, fontsize=11)
    ax.set_title(t["title"])
    return fig


# --- y_hat = x * w trained with autograd ------------------------------------------------------

def _linear(device):
    return bp.train_linear(epochs=100, lr=0.01, w_init=1.0, device=device)


def _draw_linear(data, t):
    import matplotlib.pyplot as plt

    w, history = data
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    bp.plot_loss(ax, history, xlabel=t["x"], ylabel=t["y"], title=t["title"])
    ax.annotate(t["final"].format(w=w, loss=history[-1]), xy=(len(history), history[-1]),
                xytext=(0.45, 0.55), textcoords="axes fraction",
                arrowprops=dict(arrowstyle="->", color="0.4"))
    return fig


# --- y_hat = w1 x^2 + w2 x + b: the notes' 100 epochs and a much longer run ----------------------

def _quadratic(device):
    short = bp.train_quadratic(epochs=100, device=device)
    long = bp.train_quadratic(epochs=LONG_RUN, device=device)
    return short, long


def _draw_quadratic(data, t):
    import matplotlib.pyplot as plt
    import numpy as np

    (p100, h100), (plong, hlong) = data
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.4, 4.2))
    bp.plot_loss(ax1, hlong, label=t["long"].format(n=len(hlong)), xlabel=t["x"],
                 ylabel=t["y"], title=t["title_loss"])
    bp.plot_loss(ax1, h100, label=t["short"], xlabel=t["x"], ylabel=t["y"])
    ax1.set_xscale("log")
    ax1.axvline(len(h100), color="0.5", ls=":", lw=1)
    ax1.legend(frameon=False)

    xs = np.linspace(0.0, 4.5, 200)
    ax2.plot(xs, 2 * xs, color="0.35", ls="--", lw=1.2, label="$y = 2x$", zorder=4)
    for (w1, w2, b), name, color in ((p100, t["short"], "C1"),
                                     (plong, t["long"].format(n=len(hlong)), "C0")):
        ax2.plot(xs, w1 * xs**2 + w2 * xs + b, color=color, lw=1.8,
                 label=f"{name}: ({w1:.3f}, {w2:.3f}, {b:.3f})")
        ax2.plot([4.0], [16 * w1 + 4 * w2 + b], "o", color=color, ms=5)
    ax2.plot(bp.X_DATA, bp.Y_DATA, "ks", ms=6, label=t["data"])
    ax2.set_xlabel("x")
    ax2.set_ylabel(r"$\hat{y}$")
    ax2.set_title(t["title_fit"])
    ax2.legend(frameon=False, fontsize=8.5, loc="upper left")
    fig.tight_layout()
    return fig


FIGURES = [
    Figure(
        name="graph",
        compute=_graph,
        draw=_draw_graph,
        labels={
            "zh": {"title": "计算图：前向传播算数值，反向传播算梯度（x = 1, y = 2, w = 1）",
                   "forward": "前向：数值", "backward": "反向：梯度", "loss": r"$\mathrm{loss}$"},
            "en": {"title": "Computational graph: forward values, backward gradients (x = 1, y = 2, w = 1)",
                   "forward": "forward: values", "backward": "backward: gradients", "loss": r"$\mathrm{loss}$"},
        },
    ),
    Figure(
        name="linear-loss",
        compute=_linear,
        draw=_draw_linear,
        labels={
            "zh": {"x": "轮次（epoch）", "y": "本轮 3 个样本的平均损失",
                   "title": "用 autograd 训练 ŷ = x·w",
                   "final": "100 轮后 w = {w:.4f}"},
            "en": {"x": "epoch", "y": "mean loss of the epoch's 3 samples",
                   "title": "Training ŷ = x·w with autograd",
                   "final": "after 100 epochs w = {w:.4f}"},
        },
    ),
    Figure(
        name="quadratic",
        compute=_quadratic,
        draw=_draw_quadratic,
        labels={
            "zh": {"x": "轮次（epoch，对数坐标）", "y": "本轮 3 个样本的平均损失",
                   "title_loss": "损失：100 轮远未到底", "title_fit": "拟合出的曲线及参数 (w₁, w₂, b)",
                   "short": "100 轮", "long": "{n:,} 轮", "data": "训练数据"},
            "en": {"x": "epoch (log scale)", "y": "mean loss of the epoch's 3 samples",
                   "title_loss": "Loss: 100 epochs is far from the bottom",
                   "title_fit": "Fitted curves and their (w₁, w₂, b)",
                   "short": "100 epochs", "long": "{n:,} epochs", "data": "training data"},
        },
    ),
]
