"""Figures: a function and its derivatives, Taylor remainders, step errors, matrices, fits.

Each public `plot_*` helper checks its input first (a clear error, no file written), draws with
matplotlib's Agg renderer outside pyplot (no global state or style changed), and writes a PNG
atomically: a temporary file beside the target, renamed into place, so an interrupted run never
leaves half a figure. The same input gives the same bytes.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from tfbasics._figures import finish_figure, new_axes, png_path, save_figure


def _closed_form(analytic: Any, x: np.ndarray, what: str) -> np.ndarray:
    """Return a closed form evaluated on the grid, checked: one value per point (or one
    number for all of them)."""
    if not callable(analytic):
        raise TypeError(f"{what} must be a function of the grid, e.g. lambda w: 1 - "
                        f"np.tanh(w)**2, got {type(analytic).__name__}")
    values = np.asarray(analytic(x), dtype=float)
    if values.ndim == 0:
        return np.full(x.shape, float(values))
    if values.shape != x.shape:
        raise ValueError(f"{what} gave {values.size} values for {x.size} points: make it "
                         f"elementwise (NumPy functions of w, e.g. 3 * w**2)")
    return values


def plot_sensitivity(f: Callable[[Any], Any], start: float, stop: float, num: int = 129,
                     analytic: Callable[[Any], Any] | None = None,
                     path: str | os.PathLike = "figures/sensitivity.png",
                     title: str | None = None, label: str = "L(w)", output: str = "L",
                     variable: str = "w") -> Path:
    """Plot L(w) and the tape's dL/dw over [start, stop] (analytic dL/dw dashed) to a PNG.

    `label` names the function's curve; `output` and `variable` name the derivative
    (d{output}/d{variable}) and the horizontal axis, e.g. `label="y = sigmoid(x)",
    output="y", variable="x"`. See the `autodiff` lesson.
    """
    from tfbasics.gradients import sweep

    path = png_path(path)
    w, L, dL_dw = sweep(f, start, stop, num)
    exact = None if analytic is None else _closed_form(analytic, w, "analytic")
    figure, axes = new_axes()
    axes.plot(w, L, label=label, color="tab:blue", linewidth=2)
    slope = f"d{output}/d{variable}"
    axes.plot(w, dL_dw, label=f"{slope} (GradientTape)", color="tab:orange", linewidth=2)
    if exact is not None:
        axes.plot(w, exact, "--", label=f"{slope} (analytic)", color="black", linewidth=1.2)
    return finish_figure(figure, axes, path, title or f"{label} and its derivative", variable,
                   "value", zero_line=True)


def plot_derivatives(f: Callable[[Any], Any], start: float, stop: float, num: int = 129,
                     order: int = 2, analytic: list[Callable[[Any], Any]] | None = None,
                     path: str | os.PathLike = "figures/derivatives.png",
                     title: str | None = None, label: str = "f(x)") -> Path:
    """Plot f and its derivatives up to `order` from nested tapes (analytic ones dashed).

    `analytic` is a list of closed forms for f′, f″, ... See the `advanced_autodiff` lesson.
    """
    from tfbasics.gradients import derivatives

    path = png_path(path)
    if analytic is not None and (not isinstance(analytic, (list, tuple))
                                 or len(analytic) > order):
        raise ValueError(f"analytic must be a list of at most {order} closed forms (f′, f″, "
                         f"...), e.g. [np.cos, lambda x: -np.sin(x)]")
    x, values = derivatives(f, start, stop, num, order)
    exact = [_closed_form(a, x, f"analytic[{n}]") for n, a in enumerate(analytic or [])]
    figure, axes = new_axes()
    names = [label] + ["f" + "′" * n + "(x)" if n < 4 else f"f^({n})(x)"
                       for n in range(1, order + 1)]
    for n, (name, value) in enumerate(zip(names, values, strict=True)):
        axes.plot(x, value, label=f"{name} (GradientTape)" if n else name, linewidth=2)
    for n, values_n in enumerate(exact, start=1):
        axes.plot(x, values_n, "--", color="black", linewidth=1,
                  label="analytic" if n == 1 else None)
    return finish_figure(figure, axes, path, title or f"{label} and its derivatives", "x", "value",
                   zero_line=True)


def plot_matrix(matrix: Any, path: str | os.PathLike = "figures/matrix.png",
                title: str = "", labels: Any = None) -> Path:
    """Draw a matrix as an annotated heat map (e.g. a Hessian or a Jacobian) to a PNG.

    `labels` names the rows and columns of a square matrix (one list), or each axis of any
    matrix (a pair of lists: rows, columns; empty strings for no ticks). NaN elements are
    drawn grey, e.g. a border between blocks. See the `advanced_autodiff` lesson.
    """
    import matplotlib
    path = png_path(path)
    values = np.asarray(getattr(matrix, "numpy", lambda: matrix)(), dtype=float)
    if values.ndim != 2 or values.size == 0:
        raise ValueError(f"plot_matrix needs a 2-D matrix, got shape {values.shape}")
    rows, columns = _axis_labels(labels, values.shape)
    figure, axes = new_axes((6, 5))
    if np.isnan(values).all():
        raise ValueError("plot_matrix got only NaN: nothing to draw")
    limit = float(np.nanmax(np.abs(values))) or 1.0
    colours = matplotlib.colormaps["RdBu_r"].with_extremes(bad="lightgrey")
    image = axes.imshow(values, cmap=colours, vmin=-limit, vmax=limit)
    figure.colorbar(image, ax=axes)
    if values.size <= 100:
        for (i, j), value in np.ndenumerate(values):
            if np.isfinite(value):
                axes.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=8,
                          color="white" if abs(value) > 0.6 * limit else "black")
    axes.set_xticks(range(values.shape[1]) if any(columns) else [],
                    columns if any(columns) else [])
    axes.set_yticks(range(values.shape[0]) if any(rows) else [], rows if any(rows) else [])
    axes.set_title(title)
    figure.tight_layout()
    return save_figure(figure, path)


def _axis_labels(labels: Any, shape: tuple[int, int]) -> tuple[list[str], list[str]]:
    """Return (row labels, column labels) for plot_matrix, checked against the shape."""
    if labels is None:
        return [str(i) for i in range(shape[0])], [str(j) for j in range(shape[1])]
    pair = (isinstance(labels, tuple) and len(labels) == 2
            and all(isinstance(part, (list, tuple)) for part in labels))
    rows, columns = (list(labels[0]), list(labels[1])) if pair else (list(labels),
                                                                      list(labels))
    if len(rows) != shape[0] or len(columns) != shape[1]:
        hint = ("one label per row and column" if shape[0] == shape[1]
                else "a pair (row labels, column labels)")
        raise ValueError(f"labels: {len(rows)} rows and {len(columns)} columns named for a "
                         f"{shape[0]}×{shape[1]} matrix: pass {hint}")
    return [str(r) for r in rows], [str(c) for c in columns]


def _series(values: Any, what: str) -> np.ndarray:
    """Return a 1-D float array from a list, array, tensor or iterable, or a clear error."""
    if hasattr(values, "numpy"):
        values = values.numpy()
    elif not isinstance(values, (np.ndarray, list, tuple)):
        try:
            values = list(values)
        except TypeError:
            raise TypeError(f"{what} must be a sequence of numbers, got "
                            f"{type(values).__name__}") from None
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must hold numbers only") from None
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{what} must be a non-empty list of numbers, got shape {array.shape}")
    return array


def _curves(x: np.ndarray, curves: dict[str, Any]) -> dict[str, np.ndarray]:
    """Return each curve {label: values at x} as a float array; one value per x, or a clear
    error."""
    lines = {}
    for label, values in curves.items():
        lines[label] = _series(values, f"curve {label!r}")
        if len(lines[label]) != len(x):
            raise ValueError(f"curve {label!r} has {len(lines[label])} values for {len(x)} "
                             f"points: give one value per x")
    return lines


def plot_fit(x: Any, y: Any, curves: dict[str, Any], path: str | os.PathLike = "figures/fit.png",
             title: str = "") -> Path:
    """Scatter the data (x, y) and draw each fitted curve {label: values at x} over it.

    See the `modules` lesson.
    """
    path = png_path(path)
    if not isinstance(curves, dict):
        raise TypeError(f"curves must be a dict of label: values at x, e.g. "
                        f"{{'fit': model(x)}}, got {type(curves).__name__}")
    x, y = _series(x, "x"), _series(y, "y")
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} values but y has {len(y)}: give one y per x")
    lines = _curves(x, curves)
    figure, axes = new_axes()
    axes.scatter(x, y, s=8, alpha=0.5, color="tab:gray", label="data")
    for (label, values), style in zip(lines.items(), ["-", "--", ":", "-."], strict=False):
        axes.plot(x, values, style, linewidth=2, label=label)
    return finish_figure(figure, axes, path, title, "x", "y")


def plot_curves(x: Any, curves: dict[str, Any], path: str | os.PathLike = "figures/curves.png",
                title: str = "", xlabel: str = "x", ylabel: str = "value") -> Path:
    """Draw each curve {label: values at x} against x, e.g. a function and a Jacobian.

    See the `advanced_autodiff` lesson.
    """
    path = png_path(path)
    if not isinstance(curves, dict) or not curves:
        raise TypeError("curves must be a non-empty dict of label: values at x, e.g. "
                        "{'y': y, 'dy/dx': dy_dx}")
    x = _series(x, "x")
    lines = _curves(x, curves)
    figure, axes = new_axes()
    for label, values in lines.items():
        axes.plot(x, values, linewidth=2, label=label)
    return finish_figure(figure, axes, path, title, xlabel, ylabel, zero_line=True)


def plot_series(values: Any, path: str | os.PathLike = "figures/series.png", title: str = "",
                xlabel: str = "step", ylabel: str = "loss", log: bool = True) -> Path:
    """Draw one value per step, e.g. the loss while training (log scale by default).

    See the `modules` lesson.
    """
    path = png_path(path)
    series = _series(values, "values")
    if log and not np.all(series > 0):
        step = int(np.argmax(~(series > 0)))
        raise ValueError(f"a log scale needs positive values, but step {step} is "
                         f"{series[step]}: pass log=False")
    figure, axes = new_axes()
    axes.plot(range(len(series)), series, linewidth=2)
    if log:
        axes.set_yscale("log")
    return finish_figure(figure, axes, path, title, xlabel, ylabel, legend=False)


def plot_taylor(f: Callable[..., Any], *args: Any, gradients: dict[str, Any] | None = None,
                path: str | os.PathLike = "figures/taylor.png", title: str | None = None) -> Path:
    """Plot the Taylor remainder |f(w + h·u) - f(w) - h·uᵀg| against h, on log-log axes.

    One line for the tape's gradient and one for each of `gradients` ({label: gradient, as
    `analytic` in check_gradient}), with slope-1 and slope-2 guides: the gradient's line runs
    parallel to slope 2, a wrong one to slope 1. See the `advanced_autodiff` lesson.
    """
    from tfbasics.taylor import taylor_test

    path = png_path(path)
    if gradients is not None and not isinstance(gradients, dict):
        raise TypeError("gradients must be a dict of label: gradient, e.g. "
                        "{'3w': lambda w: 3 * w}")
    tests = {"the tape's gradient": taylor_test(f, *args)}
    tests.update({label: taylor_test(f, *args, gradient=g)
                  for label, g in (gradients or {}).items()})
    figure, axes = new_axes()
    for label, test in tests.items():
        order = "—" if test.order is None else f"{test.order:.2f}"
        axes.loglog(test.steps, test.remainders, "o-", markersize=3, linewidth=1.5,
                    label=f"{label} (order {order})")
    first = next(iter(tests.values()))
    h = first.steps
    anchor = float(np.nanmax([t.remainders[0] for t in tests.values()]))
    for power, style in ((1, ":"), (2, "--")):
        axes.loglog(h, anchor * (h / h[0]) ** power, style, color="grey", linewidth=1,
                    label=f"slope {power}")
    axes.set_ylim(bottom=max(1e-18, float(np.nanmin([np.min(t.remainders[t.remainders > 0],
                                                             initial=anchor)
                                                      for t in tests.values()])) / 10))
    return finish_figure(figure, axes, path, title or "Taylor remainder against the step h",
                   "step h", "|f(w + h·u) - f(w) - h·uᵀg|")


def plot_step_error(f: Callable[[Any], Any], w: float, exact: Any,
                    path: str | os.PathLike = "figures/step_error.png",
                    title: str | None = None) -> Path:
    """Plot the error of the central difference (f(w+h) - f(w-h))/2h against h, in float32
    and float64: a V whose left arm is rounding (eps·|f|/h) and whose right arm is truncation
    (h²·f‴/6), with the step eps^(1/3) marked. f must be elementwise; `exact` is f′(w) (a
    number, or a function of w). See the `advanced_autodiff` lesson.
    """
    import tensorflow as tf

    path = png_path(path)
    if isinstance(w, bool) or not isinstance(w, numbers.Real):
        raise TypeError(f"w must be a number, got {w!r}")
    slope = float(exact(w) if callable(exact) else exact)
    steps = 10.0 ** np.linspace(-13, 0, 105)
    figure, axes = new_axes((7, 4.8))  # taller: the legend sits below the axes
    for dtype, color in ((tf.float32, "tab:orange"), (tf.float64, "tab:blue")):
        plus = tf.constant(w + steps, dtype)
        minus = tf.constant(w - steps, dtype)
        taken = (plus - minus).numpy().astype(np.float64)  # the step the dtype could represent
        with np.errstate(divide="ignore", invalid="ignore"):
            central = (f(plus) - f(minus)).numpy().astype(np.float64) / taken
            error = np.abs(central - slope)
        shown = (taken > 0) & np.isfinite(error) & (error > 0)
        axes.loglog(steps[shown], error[shown], "-", color=color, linewidth=1.5,
                    label=dtype.name)
        best = float(np.cbrt(np.finfo(dtype.as_numpy_dtype).eps))
        axes.axvline(best, color=color, linestyle="--", linewidth=1,
                     label=f"eps^(1/3) = {best:.1e} ({dtype.name})")
    return finish_figure(figure, axes, path, title or "Central difference error against the step h",
                   "step h", "|difference quotient - f′(w)|", legend="below")
