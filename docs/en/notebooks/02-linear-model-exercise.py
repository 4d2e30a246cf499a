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
# # 02 Linear Model · exercise notebook
#
# A companion to chapter 02, "Linear Model". Run the cells from top to bottom; where you see ✏️, change a value, run the cell again and watch what happens.
#
# To run it on your own machine, Python must be able to import this repository's `snippets` package (for example after `pip install -e .` in the repository root).

# %%
import matplotlib.pyplot as plt
import numpy as np

from snippets.linear_model import (
    X_DATA, Y_DATA, X_EXERCISE, Y_EXERCISE,
    grid, grid_minimum, mse, mse_surface, mse_wb, plot_contour,
)

print("x =", X_DATA, " y =", Y_DATA)

# %% [markdown]
# ## 1. Write the mean squared error yourself
#
# Without looking at the chapter, implement **cost(w) = (1/N) · Σ (xₙ · w − yₙ)²**.
# One way to write it is below; the `assert` on the last line compares it with `mse` from `snippets` and fails if they disagree.

# %%
def my_mse(w, xs, ys):
    total = 0.0
    for x, y in zip(xs, ys):
        total += (x * w - y) ** 2
    return total / len(xs)  # divide by N, not by a hard-coded 3


for w in [1.0, 2.0, 3.0]:  # ✏️ try other values of w
    mine = my_mse(w, X_DATA, Y_DATA)
    print(f"w={w:.1f}  my_mse={mine:.4f}  mse={mse(w):.4f}")
assert abs(my_mse(3.0, X_DATA, Y_DATA) - mse(3.0)) < 1e-12

# %% [markdown]
# ## 2. A finer grid
#
# A smaller step tries more points and finds w more precisely, at a higher cost. Set `step` to 0.5, 0.05 and 0.01 and compare the number of points and the w found.

# %%
step = 0.01  # ✏️
ws = grid(0.0, 4.0, step)
costs = [my_mse(w, X_DATA, Y_DATA) for w in ws]
best = int(np.argmin(costs))
print(f"{len(ws)} values of w")
print(f"best w = {ws[best]:.2f}, MSE = {costs[best]:.6f}")

# %% [markdown]
# ## 3. Noisy data
#
# Real scores never lie exactly on a line. Change the scores to `[2.1, 3.9, 6.2]` and search again: the smallest MSE is no longer 0.
#
# For ŷ = x · w, setting the derivative of cost(w) to 0 gives the best weight directly: **w = Σ xₙyₙ / Σ xₙ²** (derivatives come in the next chapter).
# Compare grid search with the formula: a grid can only return the grid point closest to the optimum.

# %%
y_noisy = [2.1, 3.9, 6.2]  # ✏️ change these scores
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
# ## 4. The model with a bias: grid and contour plot
#
# The model is ŷ = x · w + b and the data lie on the line y = 2x + 1. `np.meshgrid(ws, bs)` returns arrays of shape `(len(bs), len(ws))`: rows follow b, columns follow w.
#
# Try a smaller grid (say, b only up to 0.5) and see where the minimum lands: a "minimum" on the edge of the grid is usually not the real one.

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
# ## 5. Fall into the reshape trap on purpose
#
# Store the MSE in a flat list with two loops, as the notes do (outer loop w, inner loop b), then turn it back into a `(len(bs), len(ws))` grid.
#
# The cell below does it right: `reshape(len(ws), len(bs))` first, then transpose with `.T`. Change it to the notes' `reshape(len(bs), len(ws))` (without `.T`) and see what happens to the comparison and to the minimum.

# %%
# outer loop w, inner loop b
flat = np.array([mse_wb(w, b) for w in ws for b in bs])
# ✏️ try flat.reshape(len(bs), len(ws))
Z_loop = flat.reshape(len(ws), len(bs)).T
print("same as mse_surface:", np.allclose(Z_loop, Z))
w, b, _ = grid_minimum(W, B, Z_loop)
print(f"minimum drawn at w={w:.1f}, b={b:.1f}")
