# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 02 线性模型 · 练习笔记本
#
# 配合第 02 章「线性模型」使用。从上到下依次运行每个单元格；标有 ✏️ 的地方请改一改，再重新运行，看看结果怎么变。
#
# 本地运行时，需要能导入本仓库的 `snippets` 包（例如在仓库根目录执行 `pip install -e .`）。

# %%
import matplotlib.pyplot as plt
import numpy as np

from snippets.linear_model import (
    X_DATA, Y_DATA, X_EXERCISE, Y_EXERCISE,
    grid, grid_minimum, mse, mse_surface, mse_wb, plot_contour,
)

print("x =", X_DATA, " y =", Y_DATA)

# %% [markdown]
# ## 1. 自己写均方误差
#
# 不看章节里的代码，自己实现 **cost(w) = (1/N) · Σ (xₙ · w − yₙ)²**。
# 下面给出了一种写法，最后一行的 `assert` 会拿它和 `snippets` 中的 `mse` 对比，结果不一致就会报错。

# %%
def my_mse(w, xs, ys):
    total = 0.0
    for x, y in zip(xs, ys):
        total += (x * w - y) ** 2
    return total / len(xs)  # 除以 N，而不是写死的 3


for w in [1.0, 2.0, 3.0]:  # ✏️ 换几个 w 试试
    mine = my_mse(w, X_DATA, Y_DATA)
    print(f"w={w:.1f}  my_mse={mine:.4f}  mse={mse(w):.4f}")
assert abs(my_mse(3.0, X_DATA, Y_DATA) - mse(3.0)) < 1e-12

# %% [markdown]
# ## 2. 把网格加密
#
# 步长越小，试的点越多，找到的 w 也越精确，但计算量也越大。把 `step` 改成 0.5、0.05、0.01，比较点数和找到的 w。

# %%
step = 0.01  # ✏️
ws = grid(0.0, 4.0, step)
costs = [my_mse(w, X_DATA, Y_DATA) for w in ws]
best = int(np.argmin(costs))
print(f"{len(ws)} values of w")
print(f"best w = {ws[best]:.2f}, MSE = {costs[best]:.6f}")

# %% [markdown]
# ## 3. 数据有噪声时
#
# 真实的成绩不会正好落在一条直线上。把成绩换成 `[2.1, 3.9, 6.2]` 再做一次穷举：最小的 MSE 不再是 0。
#
# 对于 ŷ = x · w，令 cost(w) 的导数为 0，可以直接解出最优的 **w = Σ xₙyₙ / Σ xₙ²**（下一章会讲求导）。
# 比较一下网格搜索和公式的结果：网格只能给出离最优值最近的那个格点。

# %%
y_noisy = [2.1, 3.9, 6.2]  # ✏️ 改一改这些成绩
ws = grid(0.0, 4.0, 0.01)
costs = [my_mse(w, X_DATA, y_noisy) for w in ws]
best = int(np.argmin(costs))
xy = sum(x * y for x, y in zip(X_DATA, y_noisy))
xx = sum(x * x for x in X_DATA)
w_formula = xy / xx
print(f"grid:    w = {ws[best]:.2f}, MSE = {costs[best]:.4f}")
print(f"formula: w = {w_formula:.4f}, "
      f"MSE = {my_mse(w_formula, X_DATA, y_noisy):.4f}")

# %% [markdown]
# ## 4. 带偏置的模型：网格与等高线图
#
# 模型是 ŷ = x · w + b，数据在直线 y = 2x + 1 上。`np.meshgrid(ws, bs)` 的结果形状是 `(len(bs), len(ws))`：行跟着 b，列跟着 w。
#
# 试着把网格改小（例如让 b 只到 0.5），看看最小值落在哪里：落在网格边缘的「最小值」往往并不是真正的最小值。

# %%
ws = grid(0.0, 4.0, 0.1)   # ✏️
bs = grid(-2.0, 4.0, 0.1)  # ✏️
W, B = np.meshgrid(ws, bs)
Z = mse_surface(W, B, X_EXERCISE, Y_EXERCISE)
w, b, z = grid_minimum(W, B, Z)
print(f"grid {Z.shape}: minimum at w={w:.1f}, b={b:.1f}, MSE={z:.4f}")

fig, ax = plt.subplots(figsize=(5, 3.5))
filled = plot_contour(ax, W, B, Z)
fig.colorbar(filled, ax=ax, label="MSE")
plt.show()

# %% [markdown]
# ## 5. 亲手踩一遍 reshape 的坑
#
# 像原笔记那样用两层循环（外层 w、内层 b）把 MSE 存进一维列表，再变回 `(len(bs), len(ws))` 的网格。
#
# 下面是正确的做法：先 `reshape(len(ws), len(bs))`，再转置 `.T`。把它改成原笔记的 `reshape(len(bs), len(ws))`（去掉 `.T`），看看比较结果和最小值的位置怎么变。

# %%
# 外层循环 w，内层循环 b
flat = np.array([mse_wb(w, b) for w in ws for b in bs])
# ✏️ 试试 flat.reshape(len(bs), len(ws))
Z_loop = flat.reshape(len(ws), len(bs)).T
print("same as mse_surface:", np.allclose(Z_loop, Z))
w, b, _ = grid_minimum(W, B, Z_loop)
print(f"minimum drawn at w={w:.1f}, b={b:.1f}")
