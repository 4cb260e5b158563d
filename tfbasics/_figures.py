"""Figures the house way: matplotlib outside pyplot, a checked .png path, an atomic write.

Shared by `tfbasics.plots` and `tfbasics.sensitivity_plots`.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from tfbasics._files import write_atomically


def png_path(path: str | os.PathLike) -> Path:
    """Return the figure's path after checking it ends in .png and its folder exists."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file name such as 'figures/tanh.png', got "
                        f"{type(path).__name__}")
    path = Path(path)
    if path.suffix.lower() != ".png":
        raise ValueError(f"figures are written as PNG: end the path with .png (got {path})")
    if not path.parent.is_dir():  # say so before drawing anything
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist; "
                                f"create it first")
    return path


def save_figure(figure: Any, path: Path) -> Path:
    """Write a matplotlib figure to `path` as PNG, atomically."""
    png = io.BytesIO()
    # No Software/date metadata, so the same figure gives the same bytes on every run.
    figure.savefig(png, format="png", dpi=100, metadata={"Software": None})
    return write_atomically(path, png.getvalue())


def new_axes(size: tuple[float, float] = (7, 4.5)) -> tuple[Any, Any]:
    """Return a matplotlib (figure, axes) pair outside pyplot: no global state is touched."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    return figure, figure.add_subplot()


def finish_figure(figure: Any, axes: Any, path: Path, title: str, xlabel: str, ylabel: str,
            legend: bool | str = True, zero_line: bool = False) -> Path:
    """Label the axes the house way (grid, titles, legend), lay out and save the figure.
    legend="below" puts it under the axes, for curves that fill them."""
    if zero_line:
        axes.axhline(0, color="grey", linewidth=0.5)
    axes.grid(True, alpha=0.3)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title)
    if legend == "below":
        axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, frameon=False)
    elif legend:
        axes.legend(loc="best")
    figure.tight_layout()
    return save_figure(figure, path)
