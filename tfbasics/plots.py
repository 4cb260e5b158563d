"""Figures: a function and its derivative on one axes, written atomically as PNG."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tfbasics.gradients import sweep


def save_figure(figure: Any, path: str | os.PathLike) -> Path:
    """Write a matplotlib figure to `path` as PNG, via a temporary file and a rename."""
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(f"cannot write {path}: folder {path.parent} does not exist; "
                                f"create it first")
    if not os.access(path.parent, os.W_OK):
        raise PermissionError(f"cannot write {path}: folder {path.parent} is not writable; "
                              f"choose another folder")
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".png", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            # No Software/date metadata, so the same figure gives the same bytes on every run.
            figure.savefig(out, format="png", dpi=100, metadata={"Software": None})
        os.chmod(temporary, 0o644)  # mkstemp makes 0600; a figure is for everyone to read
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    return path


def plot_sensitivity(f: Callable[[Any], Any], start: float, stop: float, num: int = 129,
                     analytic: Callable[[Any], Any] | None = None,
                     path: str | os.PathLike = "figures/sensitivity.png",
                     title: str | None = None, label: str = "L(w)") -> Path:
    """Plot L(w) and the tape's dL/dw over [start, stop] (analytic dL/dw dashed) to a PNG."""
    from matplotlib.figure import Figure

    w, L, dL_dw = sweep(f, start, stop, num)
    figure = Figure(figsize=(7, 4.5))
    axes = figure.add_subplot()
    axes.plot(w, L, label=label, color="tab:blue", linewidth=2)
    axes.plot(w, dL_dw, label="dL/dw (GradientTape)", color="tab:orange", linewidth=2)
    if analytic is not None:
        axes.plot(w, analytic(w), "--", label="dL/dw (analytic)", color="black", linewidth=1.2)
    axes.axhline(0, color="grey", linewidth=0.5)
    axes.grid(True, alpha=0.3)
    axes.set_xlabel("w")
    axes.set_ylabel("value")
    axes.set_title(title or f"{label} and its derivative")
    axes.legend(loc="best")
    figure.tight_layout()
    return save_figure(figure, path)
