"""Figures of chapter 03 (gradient descent: batch GD, SGD, the learning rate)."""

from docbuild.figures import Figure
from snippets import gradient_descent as gd

LEARNING_RATES = (0.001, 0.01, 0.05, 0.1, 0.2, 0.25)
LR_EPOCHS = 30


# ---------------------------------------------------------------- batch gradient descent
def _gd(device):
    # Plain-Python floats: a single weight gains nothing from a GPU, so `device` is unused.
    history = gd.train_gd(w=1.0, lr=0.01, epochs=100)
    grid = [i / 50 for i in range(0, 201)]  # w from 0 to 4
    return {
        "history": history,
        "grid": grid,
        "grid_cost": [gd.cost(gd.X_DATA, gd.Y_DATA, w) for w in grid],
    }


def _draw_gd(data, t):
    import matplotlib.pyplot as plt

    history = data["history"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(data["grid"], data["grid_cost"], color="0.6", label=t["curve"])
    left.plot(history.w, history.cost, "o", ms=3.5, color="C1", label=t["steps"])
    left.annotate(
        t["start"], xy=(history.w[0], history.cost[0]), xytext=(0.25, 8.5),
        arrowprops={"arrowstyle": "->", "color": "0.3"},
    )
    left.annotate(
        t["end"], xy=(history.w[-1], history.cost[-1]), xytext=(2.3, 5.0),
        arrowprops={"arrowstyle": "->", "color": "0.3"},
    )
    left.set_xlabel(t["w"])
    left.set_ylabel(t["cost"])
    left.set_title(t["left_title"])
    left.legend(loc="upper right")
    gd.plot_curves(right, {t["gd"]: history.cost}, xlabel=t["epoch"], ylabel=t["cost"])
    right.set_title(t["right_title"])
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- GD versus SGD
def _gd_vs_sgd(device):
    batch = gd.train_gd(w=1.0, lr=0.01, epochs=100)
    sgd = gd.train_sgd(w=1.0, lr=0.01, epochs=100)
    return {
        "gd": batch,
        "sgd": sgd,
        # cost after every single update, for the "per update" panel
        "sgd_step_cost": [gd.cost(gd.X_DATA, gd.Y_DATA, w) for w in sgd.steps],
    }


def _draw_gd_vs_sgd(data, t):
    import matplotlib.pyplot as plt

    batch, sgd = data["gd"], data["sgd"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    gd.plot_curves(
        left,
        {t["gd"]: batch.cost, t["sgd_cost"]: sgd.cost},
        xlabel=t["epoch"], ylabel=t["cost"], log=True,
    )
    # The notes' "loss" belongs to the weight at the END of epoch k, so it starts at x = 1.
    left.plot(range(1, len(sgd.last_loss) + 1), sgd.last_loss, ":", color="C3", lw=2,
              label=t["sgd_last"])
    left.legend()
    left.set_title(t["left_title"])
    updates = 90  # the first 90 weight updates: 90 epochs of batch GD, 30 epochs of SGD
    gd.plot_curves(
        right,
        {t["gd"]: batch.cost[: updates + 1], t["sgd_cost"]: data["sgd_step_cost"][: updates + 1]},
        xlabel=t["updates"], ylabel=t["cost"], log=True,
    )
    right.set_title(t["right_title"])
    fig.tight_layout()
    return fig


# ---------------------------------------------------------------- smoothing a noisy curve
DISAGREEING_YS = (3.0, 5.0, 7.0)  # y = 2x + 1: no single w fits all three samples


def _smoothing(device):
    run = gd.train_sgd(w=1.0, lr=0.01, epochs=40, xs=gd.X_DATA, ys=DISAGREEING_YS)
    raw = gd.update_losses(run.steps, gd.X_DATA, DISAGREEING_YS)
    return {"raw": raw, "smooth": gd.smooth(raw, beta=0.9), "smoother": gd.smooth(raw, beta=0.98),
            "cost": run.cost[-1]}


def _draw_smoothing(data, t):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7.0, 4.0))
    ax.plot(data["raw"], color="0.7", lw=1, label=t["raw"])
    ax.plot(data["smooth"], color="C0", lw=2, label=t["smooth"])
    ax.plot(data["smoother"], color="C1", lw=2, linestyle="--", label=t["smoother"])
    ax.axhline(data["cost"], color="C3", lw=1, linestyle=":", label=t["cost"].format(cost=data["cost"]))
    ax.set_yscale("log")
    ax.set_xlabel(t["x"])
    ax.set_ylabel(t["y"])
    ax.set_title(t["title"])
    ax.legend(fontsize=9)
    return fig


# ---------------------------------------------------------------- learning rates (exercise)
def _learning_rates(device):
    return {lr: gd.train_gd(w=1.0, lr=lr, epochs=LR_EPOCHS) for lr in LEARNING_RATES}


def _draw_learning_rates(runs, t):
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4.2))
    labels = {lr: f"lr = {lr}" for lr in runs}
    styles = {labels[0.25]: "--"}
    gd.plot_curves(
        left, {labels[lr]: h.cost for lr, h in runs.items()},
        xlabel=t["epoch"], ylabel=t["cost"], log=True, styles=styles,
    )
    left.set_ylim(1e-20, 1e9)
    left.set_title(t["left_title"])
    gd.plot_curves(
        right, {labels[lr]: h.w for lr, h in runs.items()},
        xlabel=t["epoch"], ylabel=t["w"], styles=styles,
    )
    right.axhline(2.0, color="0.4", lw=0.8)
    right.set_ylim(-1.5, 5.5)
    right.set_xlim(0, 15)
    right.get_legend().remove()
    right.set_title(t["right_title"])
    fig.tight_layout()
    return fig


FIGURES = [
    Figure(
        name="gd",
        compute=_gd,
        draw=_draw_gd,
        labels={
            "zh": {
                "w": "权重 w", "cost": "代价 cost（MSE）", "epoch": "轮次 epoch",
                "curve": "cost(w)", "steps": "每轮之后的 w", "gd": "批量梯度下降",
                "start": "起点 w = 1", "end": "100 轮后 w ≈ 2",
                "left_title": "沿着代价曲线往下走", "right_title": "代价随轮次下降",
            },
            "en": {
                "w": "weight w", "cost": "cost (MSE)", "epoch": "epoch",
                "curve": "cost(w)", "steps": "w after each epoch", "gd": "batch gradient descent",
                "start": "start: w = 1", "end": "after 100 epochs: w ≈ 2",
                "left_title": "Walking down the cost curve", "right_title": "Cost per epoch",
            },
        },
    ),
    Figure(
        name="gd-vs-sgd",
        compute=_gd_vs_sgd,
        draw=_draw_gd_vs_sgd,
        labels={
            "zh": {
                "cost": "代价（对数刻度）", "epoch": "轮次 epoch", "updates": "权重更新次数",
                "gd": "批量 GD：全数据 cost", "sgd_cost": "SGD：全数据 cost",
                "sgd_last": "SGD：笔记打印的“loss”（最后一个样本）",
                "left_title": "按轮次比较", "right_title": "按更新次数比较",
            },
            "en": {
                "cost": "cost (log scale)", "epoch": "epoch", "updates": "number of weight updates",
                "gd": "batch GD: full-data cost", "sgd_cost": "SGD: full-data cost",
                "sgd_last": "SGD: the notes' \"loss\" (last sample)",
                "left_title": "Per epoch", "right_title": "Per weight update",
            },
        },
    ),
    Figure(
        name="smoothing",
        compute=_smoothing,
        draw=_draw_smoothing,
        labels={
            "zh": {
                "x": "权重更新次数", "y": "损失（对数刻度）", "raw": "每次更新时那个样本的损失",
                "smooth": "指数加权平均，β = 0.9", "smoother": "指数加权平均，β = 0.98",
                "cost": "最后的全数据代价 {cost:.4f}",
                "title": "平滑 SGD 的噪声曲线（y = 2x + 1，模型没有偏置）",
            },
            "en": {
                "x": "number of weight updates", "y": "loss (log scale)",
                "raw": "loss of each update's sample", "smooth": "moving average, β = 0.9",
                "smoother": "moving average, β = 0.98", "cost": "final full-data cost {cost:.4f}",
                "title": "Smoothing SGD's noisy curve (y = 2x + 1, model without bias)",
            },
        },
    ),
    Figure(
        name="learning-rates",
        compute=_learning_rates,
        draw=_draw_learning_rates,
        labels={
            "zh": {
                "cost": "代价（对数刻度）", "epoch": "轮次 epoch", "w": "权重 w",
                "left_title": "不同学习率下的代价", "right_title": "w 的轨迹（前 15 轮）",
            },
            "en": {
                "cost": "cost (log scale)", "epoch": "epoch", "w": "weight w",
                "left_title": "Cost for several learning rates",
                "right_title": "Path of w (first 15 epochs)",
            },
        },
    ),
]
