"""Figures for sensitivity: a gradient field over two weights, attributions of an input, and
how integrated gradients converge as the number of steps grows.

Like the helpers in `tfbasics.plots`, each checks its input before drawing (a clear error, no
file written), draws outside pyplot and writes its PNG atomically; the same input gives the
same bytes. See the `sensitivity` lesson.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tfbasics._figures import finish_figure, new_axes, png_path, save_figure

_CONTOUR_POINTS = 101  # per axis: smooth contours, whatever the arrows' grid


def _path_points(points: Any) -> np.ndarray:
    """Return a path of (w0, w1) points as a (K, 2) float array, or a clear error."""
    try:
        array = np.asarray(getattr(points, "numpy", lambda: points)(), dtype=float)
    except (TypeError, ValueError):
        raise TypeError("points must be numbers: a list of (w0, w1) pairs") from None
    if array.ndim != 2 or array.shape[1] != 2 or len(array) == 0:
        raise ValueError(f"points must be a list of (w0, w1) pairs, shape (K, 2); got shape "
                         f"{array.shape}")
    return array


def _analytic_field(analytic: Any, w0: np.ndarray, w1: np.ndarray) -> tuple[np.ndarray, ...]:
    """Return a closed-form gradient (dL/dw0, dL/dw1) on the grid, checked."""
    if not callable(analytic):
        raise TypeError(f"analytic must be a function of (w0, w1) giving (dL/dw0, dL/dw1), "
                        f"e.g. lambda a, b: (2 * a, 2 * b); got {type(analytic).__name__}")
    parts = analytic(w0, w1)
    if not (isinstance(parts, (tuple, list)) and len(parts) == 2):
        raise ValueError("analytic must return two arrays, (dL/dw0, dL/dw1)")
    return tuple(np.broadcast_to(np.asarray(p, dtype=float), w0.shape) for p in parts)


def plot_gradient_field(f: Callable[..., Any], w0_range: tuple[float, float],
                        w1_range: tuple[float, float], num: int = 15,
                        path: str | os.PathLike = "figures/gradient_field.png",
                        analytic: Callable[..., Any] | None = None, points: Any = None,
                        title: str | None = None, labels: tuple[str, str] = ("w0", "w1")
                        ) -> Path:
    """Draw filled contours of L = f(w0, w1) with the tape's arrows -∇L (downhill) on top.

    `analytic` (a function of the grid giving (dL/dw0, dL/dw1)) adds the closed form's
    arrows in black, on the same scale: where they cover the tape's, the two agree.
    `points`, a (K, 2) path such as the steps of gradient descent, is drawn over the field.
    f is as in `gradient_field`. See the `sensitivity` lesson.
    """
    from tfbasics.sensitivity import gradient_field

    path = png_path(path)
    if points is not None:
        points = _path_points(points)
    field = gradient_field(f, w0_range, w1_range, num=num)
    exact = None if analytic is None else _analytic_field(analytic, field.w0, field.w1)
    fine = gradient_field(f, w0_range, w1_range, num=_CONTOUR_POINTS)
    figure, axes = new_axes((7, 5.5))
    filled = axes.contourf(fine.w0, fine.w1, fine.L, levels=24, cmap="viridis")
    figure.colorbar(filled, ax=axes, label="L")
    # One scale for every arrow set: the longest arrow spans 0.9 of a grid cell.
    cell = min(np.ptp(field.w0[0]), np.ptp(field.w1[:, 0])) / (min(field.w0.shape) - 1)
    longest = float(np.max(np.hypot(field.dL_dw0, field.dL_dw1))) or 1.0
    arrows = {"angles": "xy", "scale_units": "xy", "scale": longest / (0.9 * cell)}
    axes.quiver(field.w0, field.w1, -field.dL_dw0, -field.dL_dw1, color="tab:orange",
                width=0.006, label="-∇L (GradientTape)", **arrows)
    if exact is not None:
        axes.quiver(field.w0, field.w1, -exact[0], -exact[1], color="black", width=0.002,
                    label="-∇L (analytic)", **arrows)
    if points is not None:
        axes.plot(points[:, 0], points[:, 1], "o-", color="white", markersize=3,
                  markeredgecolor="black", linewidth=1.2, label="path")
        axes.plot(*points[0], "s", color="tab:red", markersize=7, label="start")
    axes.set_xlim(field.w0[0, 0], field.w0[0, -1])
    axes.set_ylim(field.w1[0, 0], field.w1[-1, 0])
    return finish_figure(figure, axes, path, title or "L and its gradient field", labels[0],
                   labels[1], legend="below")


def _as_numbers(value: Any, what: str) -> np.ndarray:
    """Return a float array from a tensor, array or list, or a clear error."""
    try:
        return np.asarray(getattr(value, "numpy", lambda: value)(), dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must hold numbers only") from None


def _attribution_maps(x: np.ndarray, attributions: Any) -> dict[str, np.ndarray]:
    """Return {label: attributions of x's shape} from one array or a dict of them."""
    maps = attributions if isinstance(attributions, dict) else {"attribution": attributions}
    if not maps:
        raise ValueError("attributions is an empty dict: give at least one map")
    checked = {}
    for label, values in maps.items():
        checked[label] = _as_numbers(values, f"attributions {label!r}")
        if checked[label].shape != x.shape:
            raise ValueError(f"attributions {label!r} have shape {checked[label].shape} but "
                             f"x has shape {x.shape}: give one attribution per input element "
                             f"(for a batch, plot one input: x[0], attributions[0])")
    return checked


def plot_attributions(x: Any, attributions: Any,
                      path: str | os.PathLike = "figures/attributions.png", title: str = "",
                      marked: Any = None, labels: list[str] | None = None) -> Path:
    """Draw one input's attributions: for an image, the input, a heat map and an overlay; for
    a vector of features, bars.

    `attributions` is an array of x's shape or a dict {method: array} (one row, or one group
    of bars, per method). `marked`, a boolean mask of x's shape, outlines the elements known
    to matter; `labels` names the features of a vector. An image is (H, W) or (H, W, C) with
    C of 1, 3 or 4; its channels are summed for the heat map. See the `sensitivity` lesson.
    """
    path = png_path(path)
    x = _as_numbers(x, "x")
    image = x.ndim == 2 or (x.ndim == 3 and x.shape[-1] in (1, 3, 4))
    if not image and x.ndim != 1:
        raise ValueError(f"x has shape {x.shape}: pass one input, a vector of features or "
                         f"an image (H, W) or (H, W, C); for a batch, x[0]")
    maps = _attribution_maps(x, attributions)
    mask = None if marked is None else np.asarray(marked, dtype=bool)
    if mask is not None and mask.shape != x.shape[:2 if image else 1]:
        raise ValueError(f"marked has shape {mask.shape}: give one True/False per "
                         f"{'pixel' if image else 'feature'}, shape {x.shape[:2 if image else 1]}")
    if labels is not None and (image or len(labels) != len(x)):
        raise ValueError(f"labels name the {len(x)} features of a vector, one each")
    if image:
        figure = _image_rows(x, maps, mask, title)
    else:
        figure = _bars(x, maps, mask, labels, title)
    return save_figure(figure, path)


def _image_rows(x: np.ndarray, maps: dict[str, np.ndarray], mask: np.ndarray | None,
                title: str) -> Any:
    """Return a figure with one row per method: input, heat map, overlay of |attribution|."""
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=(9, 3 * len(maps) + 0.4))
    grid = figure.subplots(len(maps), 3, squeeze=False)
    shown = x if x.ndim == 2 else x[..., 0] if x.shape[-1] == 1 else x
    if shown.ndim == 3:  # colour: stretch to [0, 1] for imshow
        shown = (shown - shown.min()) / (np.ptp(shown) or 1.0)
    for row, (label, values) in zip(grid, maps.items(), strict=True):
        heat = values if values.ndim == 2 else values.sum(axis=-1)
        limit = float(np.max(np.abs(heat))) or 1.0
        row[0].imshow(shown, cmap="gray" if shown.ndim == 2 else None)
        row[0].set_title("input")
        picture = row[1].imshow(heat, cmap="RdBu_r", vmin=-limit, vmax=limit)
        figure.colorbar(picture, ax=row[1], fraction=0.046)
        row[1].set_title(label)
        row[2].imshow(shown if shown.ndim == 2 else shown.mean(axis=-1), cmap="gray")
        row[2].imshow(np.abs(heat), cmap="hot", alpha=0.6, vmin=0, vmax=limit)
        row[2].set_title("overlay (size only)")
        for axes in row:
            axes.set_xticks([])
            axes.set_yticks([])
            for i, j in np.argwhere(mask) if mask is not None else []:
                axes.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False,
                                         edgecolor="lime", linewidth=1.2))
    if title:
        figure.suptitle(title)
    figure.tight_layout()
    return figure


def _bars(x: np.ndarray, maps: dict[str, np.ndarray], mask: np.ndarray | None,
          labels: list[str] | None, title: str) -> Any:
    """Return a figure of grouped bars: one group per feature, one bar per method."""
    figure, axes = new_axes((max(6.0, 0.5 * len(x) + 2), 4.5))
    width = 0.8 / len(maps)
    positions = np.arange(len(x))
    for k, (label, values) in enumerate(maps.items()):
        axes.bar(positions - 0.4 + (k + 0.5) * width, values, width, label=label)
    for index in np.flatnonzero(mask) if mask is not None else []:
        axes.axvspan(index - 0.45, index + 0.45, color="lime", alpha=0.15, linewidth=0,
                     zorder=0)
    axes.set_xticks(positions, labels if labels is not None else [str(i) for i in positions])
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.grid(True, axis="y", alpha=0.3)
    axes.set_xlabel("feature")
    axes.set_ylabel("attribution")
    axes.set_title(title)
    axes.legend(loc="best")
    figure.tight_layout()
    return figure


def plot_completeness(model: Callable[..., Any], x: Any, baseline: Any = None,
                      steps: tuple[int, ...] = (2, 4, 8, 16, 32, 64, 128),
                      methods: tuple[str, ...] = ("trapezoid", "riemann_left"),
                      target: int | None = None,
                      path: str | os.PathLike = "figures/completeness.png",
                      title: str | None = None) -> Path:
    """Plot the completeness error of integrated gradients against the steps, log-log.

    One line per quadrature `method` (the largest error over the batch x), with slope -1 and
    -2 guides: the trapezoid rule's line runs parallel to slope -2 on a smooth model, a
    Riemann sum's to -1. The legend gives each line's observed order, fitted over the larger
    half of the steps. Arguments as in `integrated_gradients`. See the `sensitivity` lesson.
    """
    from tfbasics.sensitivity import RULES, integrated_gradients

    path = png_path(path)
    if not isinstance(methods, (tuple, list)) or not methods or any(
            m not in RULES for m in methods):
        raise ValueError(f"methods must be a list of quadrature rules from {', '.join(RULES)}")
    counts = np.asarray(steps)
    if counts.ndim != 1 or len(counts) < 3 or counts.dtype.kind not in "iu" or np.any(
            np.diff(counts) <= 0) or counts[0] < 1:
        raise ValueError(f"steps must be at least 3 growing whole numbers, e.g. (2, 4, 8, 16), "
                         f"got {steps!r}")
    errors = {m: np.array([float(np.max(integrated_gradients(
        model, x, baseline, int(n), m, target).completeness_error)) for n in counts])
        for m in methods}
    figure, axes = new_axes()
    half = counts >= np.median(counts)
    for method, error in errors.items():
        shown = error > 0
        fit = half & shown
        order = -np.polyfit(np.log(counts[fit]), np.log(error[fit]), 1)[0] \
            if fit.sum() >= 2 else float("nan")
        axes.loglog(counts[shown], error[shown], "o-", markersize=4, linewidth=1.5,
                    label=f"{method} (order {order:.2f})")
    anchor = max(float(np.max(e)) for e in errors.values())
    for power, style in ((1, ":"), (2, "--")):
        axes.loglog(counts, anchor * (counts / counts[0]) ** -float(power), style,
                    color="grey", linewidth=1, label=f"slope -{power}")
    return finish_figure(figure, axes, path, title or "Completeness error against the steps",
                   "steps", "|Σ attributions - (F(x) - F(baseline))|")
