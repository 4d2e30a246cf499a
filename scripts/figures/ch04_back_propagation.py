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
    from matplotlib.patches import Circle, FancyBboxPatch

    fwd, bwd = "#1f4e9c", "#c0392b"
    fig, ax = plt.subplots(figsize=(9.6, 4.2))
    ax.set_xlim(-0.9, 10.3)
    ax.set_ylim(-2.55, 2.3)
    ax.set_aspect("equal")
    ax.axis("off")

    # leaves (values) are circles, operations are rounded boxes
    values = {"x": (0.0, 1.1), "w": (0.0, -1.1), "y": (4.4, -1.9)}
    ops = {"mul": (2.0, 0.0), "sub": (4.4, 0.0), "sq": (6.8, 0.0)}
    out = (9.2, 0.0)
    for name, (cx, cy) in values.items():
        ax.add_patch(Circle((cx, cy), 0.42, fc="#eef3fb", ec=fwd, lw=1.5))
        ax.text(cx, cy, f"${name}$", ha="center", va="center", fontsize=15)
    for name, (cx, cy) in ops.items():
        ax.add_patch(FancyBboxPatch((cx - 0.5, cy - 0.4), 1.0, 0.8, boxstyle="round,pad=0.05",
                                    fc="#fdf2e3", ec="#b9770e", lw=1.5))
    ax.text(*ops["mul"], r"$\times$", ha="center", va="center", fontsize=18)
    ax.text(*ops["sub"], r"$-$", ha="center", va="center", fontsize=18)
    ax.text(*ops["sq"], r"$(\cdot)^2$", ha="center", va="center", fontsize=15)
    ax.add_patch(Circle(out, 0.55, fc="#fbeeee", ec=bwd, lw=1.5))
    ax.text(*out, t["loss"], ha="center", va="center", fontsize=12)

    def arrow(a, b, color, rad=0.0, shrink=24):
        ax.annotate("", xy=b, xytext=a, arrowprops=dict(
            arrowstyle="-|>", color=color, lw=1.6, shrinkA=shrink, shrinkB=shrink,
            connectionstyle=f"arc3,rad={rad}", mutation_scale=16))

    # forward edges (blue) with their values
    arrow(values["x"], ops["mul"], fwd)
    arrow(values["w"], ops["mul"], fwd)
    arrow(ops["mul"], ops["sub"], fwd)
    arrow(values["y"], ops["sub"], fwd, shrink=20)
    arrow(ops["sub"], ops["sq"], fwd)
    arrow(ops["sq"], out, fwd)
    style = dict(ha="center", fontsize=12, color=fwd)
    ax.text(0.55, 1.35, f"$x={_num(d['x'])}$", **style)
    ax.text(3.2, 0.2, rf"$\hat{{y}}={_num(d['y_hat'])}$", **style)
    ax.text(4.95, -1.1, f"$y={_num(d['y'])}$", ha="left", fontsize=12, color=fwd)
    ax.text(5.6, 0.2, f"$r={_num(d['r'])}$", **style)
    ax.text(8.0, 0.2, rf"$\mathrm{{loss}}={_num(d['loss'])}$", **style)
    ax.text(0.55, -1.55, f"$w={_num(d['w'])}$", **style)

    # backward edges (red, curved underneath) with the gradient of the loss at each node
    arrow(out, ops["sq"], bwd, rad=-0.55)
    arrow(ops["sq"], ops["sub"], bwd, rad=-0.55)
    arrow(ops["sub"], ops["mul"], bwd, rad=-0.55)
    arrow(ops["mul"], values["w"], bwd, rad=-0.35)
    g = dict(ha="center", fontsize=11.5, color=bwd)
    ax.text(8.0, 1.05, rf"$\frac{{\partial\,\mathrm{{loss}}}}{{\partial r}}=2r={_num(d['dloss_dr'])}$", **g)
    ax.text(5.6, 1.05, rf"$\frac{{\partial r}}{{\partial \hat{{y}}}}=1$", **g)
    ax.text(3.2, 1.05, rf"$\frac{{\partial \hat{{y}}}}{{\partial w}}=x={_num(d['dyhat_dw'])}$", **g)
    ax.text(2.25, -1.75,
            rf"$\frac{{\partial\,\mathrm{{loss}}}}{{\partial w}}"
            rf"={_num(d['dloss_dr'])}\times 1\times {_num(d['dyhat_dw'])}={_num(d['dloss_dw'])}$",
            ha="left", fontsize=13, color=bwd)

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
    ax2.plot(xs, 2 * xs, color="0.6", ls="--", lw=1.2, label="$y = 2x$")
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
        name="back-propagation-graph",
        compute=_graph,
        draw=_draw_graph,
        labels={
            "zh": {"title": "计算图：前向传播算数值，反向传播算梯度（x = 1, y = 2, w = 1）",
                   "forward": "前向：数值", "backward": "反向：梯度", "loss": "loss"},
            "en": {"title": "Computational graph: forward values, backward gradients (x = 1, y = 2, w = 1)",
                   "forward": "forward: values", "backward": "backward: gradients", "loss": "loss"},
        },
    ),
    Figure(
        name="back-propagation-linear-loss",
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
        name="back-propagation-quadratic",
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
