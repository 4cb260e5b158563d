"""Figures: a function and its derivative on one axes, written atomically as PNG."""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tfbasics.gradients import derivatives, sweep
from tfbasics.report import write_atomically


def save_figure(figure: Any, path: str | os.PathLike) -> Path:
    """Write a matplotlib figure to `path` as PNG, atomically (a temporary file, renamed)."""
    path = Path(path)
    if not path.parent.is_dir():  # say so before drawing anything
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist; "
                                f"create it first")
    png = io.BytesIO()
    # No Software/date metadata, so the same figure gives the same bytes on every run.
    figure.savefig(png, format="png", dpi=100, metadata={"Software": None})
    return write_atomically(path, png.getvalue())


def new_axes(size: tuple[float, float] = (7, 4.5)) -> tuple[Any, Any]:
    """Return a matplotlib (figure, axes) pair outside pyplot: no global state is touched."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    return figure, figure.add_subplot()


def finish(figure: Any, axes: Any, path: str | os.PathLike, title: str, xlabel: str,
           ylabel: str, legend: bool = True, zero_line: bool = False) -> Path:
    """Label the axes the house way (grid, titles, legend), lay out and save the figure."""
    if zero_line:
        axes.axhline(0, color="grey", linewidth=0.5)
    axes.grid(True, alpha=0.3)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    if legend:
        axes.legend(loc="best")
    figure.tight_layout()
    return save_figure(figure, path)


def plot_sensitivity(f: Callable[[Any], Any], start: float, stop: float, num: int = 129,
                     analytic: Callable[[Any], Any] | None = None,
                     path: str | os.PathLike = "figures/sensitivity.png",
                     title: str | None = None, label: str = "L(w)") -> Path:
    """Plot L(w) and the tape's dL/dw over [start, stop] (analytic dL/dw dashed) to a PNG."""
    w, L, dL_dw = sweep(f, start, stop, num)
    figure, axes = new_axes()
    axes.plot(w, L, label=label, color="tab:blue", linewidth=2)
    axes.plot(w, dL_dw, label="dL/dw (GradientTape)", color="tab:orange", linewidth=2)
    if analytic is not None:
        axes.plot(w, analytic(w), "--", label="dL/dw (analytic)", color="black", linewidth=1.2)
    return finish(figure, axes, path, title or f"{label} and its derivative", "w", "value",
                  zero_line=True)


def plot_derivatives(f: Callable[[Any], Any], start: float, stop: float, num: int = 129,
                     order: int = 2, analytic: list[Callable[[Any], Any]] | None = None,
                     path: str | os.PathLike = "figures/derivatives.png",
                     title: str | None = None, label: str = "f(x)") -> Path:
    """Plot f and its derivatives up to `order` from nested tapes (analytic ones dashed)."""
    x, values = derivatives(f, start, stop, num, order)
    figure, axes = new_axes()
    names = [label] + ["f" + "′" * n + "(x)" if n < 4 else f"f^({n})(x)"
                       for n in range(1, order + 1)]
    for n, (name, value) in enumerate(zip(names, values, strict=True)):
        axes.plot(x, value, label=f"{name} (GradientTape)" if n else name, linewidth=2)
    for n, exact in enumerate(analytic or [], start=1):
        axes.plot(x, exact(x), "--", color="black", linewidth=1,
                  label="analytic" if n == 1 else None)
    return finish(figure, axes, path, title or f"{label} and its derivatives", "x", "value",
                  zero_line=True)


def plot_matrix(matrix: Any, path: str | os.PathLike = "figures/matrix.png",
                title: str = "", labels: list[str] | None = None) -> Path:
    """Draw a matrix as an annotated heat map (e.g. a Hessian) to a PNG."""
    import numpy as np

    values = np.asarray(getattr(matrix, "numpy", lambda: matrix)(), dtype=float)
    if values.ndim != 2:
        raise ValueError(f"plot_matrix needs a 2-D matrix, got shape {values.shape}")
    figure, axes = new_axes((6, 5))
    limit = float(np.max(np.abs(values))) or 1.0
    image = axes.imshow(values, cmap="RdBu_r", vmin=-limit, vmax=limit)
    figure.colorbar(image, ax=axes)
    if values.size <= 100:
        for (i, j), value in np.ndenumerate(values):
            axes.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=8,
                      color="white" if abs(value) > 0.6 * limit else "black")
    ticks = labels or [str(i) for i in range(values.shape[0])]
    axes.set_xticks(range(values.shape[1]), ticks[: values.shape[1]])
    axes.set_yticks(range(values.shape[0]), ticks[: values.shape[0]])
    axes.set_title(title)
    figure.tight_layout()
    return save_figure(figure, path)


def plot_fit(x: Any, y: Any, curves: dict[str, Any], path: str | os.PathLike = "figures/fit.png",
             title: str = "") -> Path:
    """Scatter the data (x, y) and draw each fitted curve over it."""
    figure, axes = new_axes()
    axes.scatter(x, y, s=8, alpha=0.5, color="tab:gray", label="data")
    for (label, values), style in zip(curves.items(), ["-", "--", ":", "-."], strict=False):
        axes.plot(x, values, style, linewidth=2, label=label)
    return finish(figure, axes, path, title, "x", "y")


def plot_series(values: Any, path: str | os.PathLike = "figures/series.png", title: str = "",
                xlabel: str = "step", ylabel: str = "loss", log: bool = True) -> Path:
    """Draw one value per step, e.g. the loss while training (log scale by default)."""
    figure, axes = new_axes()
    axes.plot(range(len(values)), values, linewidth=2)
    if log:
        axes.set_yscale("log")
    return finish(figure, axes, path, title, xlabel, ylabel, legend=False)
