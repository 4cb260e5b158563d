"""Directions: the steps along them, points on them, f evaluated there, projections.

The speed tricks live here: rows built from cached signs, block sums over a large w
(no n-sized temporaries), and f evaluated in batches so memory stays O(n).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import tensorflow as tf

from tfbasics._sources import call_f, total_of

if TYPE_CHECKING:
    from tfbasics.gradcheck.problem import Problem

RANDOM_DIRECTIONS = 2  # seeded random directions, in both modes
ALL_ONES = -(RANDOM_DIRECTIONS + 1)  # and the direction (1, 1, …): at a tie in max, sum(g) = 1
JOINT = -np.arange(1, RANDOM_DIRECTIONS + 2)  # directions that move every element at once
_MOST_SUSPECTS = 32  # fast mode: at least this many elements where formula and tape differ
# are checked on their own axes (more when n is small: as many as one batch of f holds)
_CHUNK = 2**20  # values per batched evaluation of f, so memory stays O(n)
_BLOCK = 2**16  # elements per block where NumPy sums over a large w (no n-sized temporaries)
_VECTORISE_FROM = 16  # rows: fewer are evaluated one by one


def real_coordinates(values: list) -> np.ndarray:
    """Return values as one float64 vector; a complex element gives its real, then imag part."""
    parts = []
    for value in values:
        array = np.asarray(value)
        if array.dtype.kind == "c":
            array = np.stack([array.real, array.imag], axis=-1)
        parts.append(np.asarray(array, dtype=np.float64).ravel())
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0)


def abs_dot(a: np.ndarray, b: np.ndarray) -> float:
    """Return Σ|a·b|, a block at a time (no temporary arrays of a large w's size).

    Multiplied and summed by NumPy, not by a BLAS dot: OpenBLAS's threads contend with TF's
    on a busy machine, and a dot of 1e6 elements then takes 20 times as long."""
    return float(sum(np.sum(np.abs(a[s:s + _BLOCK]) * np.abs(b[s:s + _BLOCK]))
                     for s in range(0, a.size, _BLOCK)))


def most_apart(a: np.ndarray, b: np.ndarray) -> float:
    """Return max |a - b|, a block at a time."""
    return float(np.max([np.max(np.abs(a[s:s + _BLOCK] - b[s:s + _BLOCK]))
                         for s in range(0, a.size, _BLOCK)], initial=0.0))  # NaN stays NaN


# --- directions --------------------------------------------------------------------------------

def base_steps(problem: Problem, directions: np.ndarray) -> np.ndarray:
    """Return each direction's base step: eps^(1/3) of the dtype, scaled like w on an axis."""
    # Central differences err by h²·f'''/6 (truncation) plus eps·|f|/h (rounding): the sum is
    # smallest near h = eps^(1/3), about 5e-3 in float32 and 6e-6 in float64.
    base = float(np.cbrt(np.finfo(problem.fd_dtype.real_dtype.as_numpy_dtype).eps))
    scale = np.ones(len(directions))
    axes = directions >= 0
    scale[axes] = np.maximum(1.0, np.abs(problem.w[directions[axes]]))
    return base * scale


def _signs(problem: Problem, direction: int) -> np.ndarray:
    """Return a random direction's signs (True for +), seeded by the direction: repeatable;
    all + for the direction of all ones.

    Only the signs are kept (one byte per element); the direction is ±max(1, |w|) each.
    """
    if direction not in problem.random:
        problem.random[direction] = np.ones(problem.n, bool) if direction == ALL_ONES else \
            np.random.default_rng(-direction).integers(0, 2, problem.n, dtype=np.int8).astype(bool)
    return problem.random[direction]


def direction_label(problem: Problem, direction: int) -> str:
    """Return how a verdict names a direction: an element, or a joint direction."""
    if direction >= 0:
        return problem.label(direction)
    if direction == ALL_ONES:
        return "the direction of all ones (values are Σg)"
    return f"random direction {-direction} (values are uᵀg)"


def row_tf(problem: Problem, direction: int, dtype: tf.DType) -> tf.Tensor:
    """Return one direction as a TF vector in `dtype` (made when needed, not kept)."""
    if direction >= 0:
        return tf.one_hot(int(direction), problem.n, dtype=dtype)
    if problem.scale_tf is None:
        problem.scale_tf = tf.constant(problem.scale, problem.fd_dtype.real_dtype)
    signs = tf.constant(_signs(problem, direction))
    return tf.cast(tf.where(signs, problem.scale_tf, -problem.scale_tf), dtype)


def points_along(problem: Problem, directions: np.ndarray, deltas: np.ndarray) -> tf.Tensor:
    """Return w moved by deltas[k] along directions[k], one row each, in finite differences'
    dtype. Moves along an axis are built in NumPy and handed to TF at once (an op per point
    cost more than f itself for a small w), each rounded as NumPy rounds it so the step taken
    is known exactly; moves along a random direction are built in TF, which reuses its memory
    (NumPy's fresh arrays of a large w cost more than f)."""
    real = problem.fd_dtype.real_dtype
    axes = np.flatnonzero(directions >= 0)
    rows: list[tf.Tensor | None] = [None] * len(directions)
    if axes.size:
        base = problem.w.astype(real.as_numpy_dtype)
        block = np.tile(base, (axes.size, 1))
        for r, k in enumerate(axes):
            d = directions[k]
            block[r, d] = np.asarray(problem.w[d] + deltas[k]).astype(real.as_numpy_dtype)
        if axes.size == len(directions):
            return tf.constant(block)
        for r, k in enumerate(axes):
            rows[k] = tf.constant(block[r])
    if problem.w_tf is None:
        problem.w_tf = tf.constant(problem.w.astype(real.as_numpy_dtype))
    for k in np.flatnonzero(directions < 0):
        rows[k] = problem.w_tf + tf.constant(deltas[k], real) * row_tf(
            problem, int(directions[k]), real)
    return tf.stack(rows) if len(rows) > 1 else rows[0][tf.newaxis]


def offset_points(problem: Problem, directions: np.ndarray, offsets: np.ndarray,
                  steps: np.ndarray) -> Callable[[slice], tf.Tensor]:
    """Return `points` for evaluate: point j is w moved by offsets[o]·steps[k] along
    directions[k], where j = k·len(offsets) + o (direction by direction)."""
    def points(rows: slice) -> tf.Tensor:
        pairs = [divmod(j, len(offsets)) for j in range(rows.start, rows.stop)]
        return points_along(problem, np.array([directions[k] for k, _ in pairs]),
                            np.array([offsets[o] * steps[k] for k, o in pairs]))
    return points


def project(problem: Problem, vector: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Return uᵀ·vector for each direction u (a block of elements at a time along random
    directions: no temporary arrays of a large w's size)."""
    out = np.empty(len(directions))
    joint = directions < 0
    out[~joint] = vector[directions[~joint]]
    totals = np.zeros(int(joint.sum()))
    for start in range(0, problem.n if joint.any() else 0, _BLOCK):
        part = slice(start, start + _BLOCK)
        scaled = problem.scale[part] * vector[part]
        for j, direction in enumerate(directions[joint]):
            totals[j] += np.sum(np.where(_signs(problem, direction)[part], scaled, -scaled))
    out[joint] = totals
    return out


def size_along(problem: Problem, key: str, directions: np.ndarray) -> np.ndarray:
    """Return how big an error of the size of `key`'s vector ("tape", "formula", "atol") gets
    along each direction: |v| on an axis; along a random u (±max(1, |w|) per element) the root
    sum of squares of u·v, since rounding errors of different elements do not line up (the
    same for every random direction, so computed once)."""
    vector = {"tape": problem.tape, "formula": problem.formula, "atol": problem.atol}[key]
    if key not in problem.sizes and (directions < 0).any():
        problem.sizes[key] = float(np.sqrt(sum(
            np.sum((problem.scale[s:s + _BLOCK] * vector[s:s + _BLOCK]) ** 2)
            for s in range(0, problem.n, _BLOCK))))
    return np.array([abs(vector[d]) if d >= 0 else problem.sizes[key] for d in directions])


def chunks(problem: Problem, count: int) -> list[slice]:
    """Return slices of `count` rows whose n values each fit one batched evaluation."""
    size = max(1, _CHUNK // max(1, problem.n))
    return [slice(start, min(count, start + size)) for start in range(0, count, size)]


# --- evaluating f at moved points --------------------------------------------------------------

def split_sources(problem: Problem, vector: tf.Tensor, dtype: tf.DType) -> list[tf.Tensor]:
    """Return a vector of real coordinates as one tensor per live source, in `dtype`."""
    sizes, shapes = [], []
    for i in problem.live:
        shape = problem.sources[i].shape
        shapes.append(shape)
        sizes.append(int(np.prod(shape)) * (2 if dtype.is_complex else 1))
    parts = tf.split(vector, sizes) if len(sizes) > 1 else [vector]
    out = []
    for part, shape in zip(parts, shapes, strict=True):
        if dtype.is_complex:
            pairs = tf.reshape(part, [-1, 2])
            part = tf.complex(pairs[:, 0], pairs[:, 1])
        out.append(tf.reshape(tf.cast(part, dtype), shape))
    return out


def batched(function: Callable[[tf.Tensor], tf.Tensor],
            rows: list[tf.Tensor] | tf.Tensor) -> np.ndarray:
    """Apply `function` to each row (a list of vectors, or the rows of a matrix): one
    vectorised call for many rows, else a loop."""
    if len(rows) >= _VECTORISE_FROM:  # tracing for tf.vectorized_map costs tens of ms
        logger = tf.get_logger()
        level = logger.level
        # Each check traces anew, and TF would warn of retracing; where an op (tf.cond) has
        # no vectorised rule, TF logs its failed conversion as an ERROR before the loop below.
        logger.setLevel("CRITICAL")
        try:
            block = rows if isinstance(rows, tf.Tensor) else tf.stack(rows)
            return np.asarray(tf.vectorized_map(function, block).numpy(),
                              dtype=np.float64)
        except Exception:  # noqa: BLE001 - an op without a vectorised rule: loop instead
            pass
        finally:
            logger.setLevel(level)
    return np.array([_value_or_nan(function, row) for row in rows])


def _value_or_nan(function: Callable[[tf.Tensor], tf.Tensor], row: tf.Tensor) -> float:
    """Return function(row), or NaN where f refuses the point (an assertion in f): finite
    differences treat it as a non-finite value and stand aside."""
    try:
        return float(function(row))
    except tf.errors.InvalidArgumentError:
        return np.nan


def evaluate(problem: Problem, count: int,
             points: Callable[[slice], list[tf.Tensor]]) -> np.ndarray:
    """Return Re Σ f at `count` points (rows of real coordinates that `points` makes in TF,
    a chunk at a time, so memory stays O(n)), in finite differences' dtype."""
    f, sources, dtype = problem.f, problem.sources, problem.fd_dtype
    out = np.empty(count)
    if problem.assigns:
        for rows in chunks(problem, count):
            out[rows] = _evaluate_by_assign(problem, points(rows))
        return out
    fixed = [tf.cast(s, dtype) for s in sources]

    def one(vector: tf.Tensor) -> tf.Tensor:
        values = list(fixed)
        for i, part in zip(problem.live, split_sources(problem, vector, dtype), strict=True):
            values[i] = part
        return tf.math.real(total_of(call_f(f, values)))

    for rows in chunks(problem, count):
        out[rows] = batched(one, points(rows))
    return out


def _evaluate_by_assign(problem: Problem, points: list[tf.Tensor]) -> np.ndarray:
    """Evaluate f with its variables moved by `assign`, one point at a time; restore exactly."""
    sources = problem.sources
    saved = {i: tf.identity(sources[i]) for i in problem.live
             if isinstance(sources[i], tf.Variable)}
    out = np.empty(len(points))
    try:
        for k, point in enumerate(points):
            values = list(sources)
            parts = split_sources(problem, point, problem.dtype)
            for i, part in zip(problem.live, parts, strict=True):
                if i in saved:
                    sources[i].assign(part)
                else:
                    values[i] = part
            try:
                out[k] = float(tf.math.real(total_of(call_f(problem.f, values))))
            except tf.errors.InvalidArgumentError:  # f refuses the point (an assertion)
                out[k] = np.nan  # as a non-finite value: finite differences stand aside
    finally:
        for i, value in saved.items():
            sources[i].assign(value)
    return out


def suspect_axes(problem: Problem, elementwise: np.ndarray) -> np.ndarray:
    """Return the elements where formula and tape differ most, as many as fast mode checks
    one by one: at least _MOST_SUSPECTS, and as many as one batch of f holds for small n."""
    most = max(_MOST_SUSPECTS, _CHUNK // max(1, problem.n))
    apart = np.flatnonzero(~elementwise)  # in order, so ties keep the first element first
    excess = np.abs(problem.formula[apart] - problem.tape[apart])
    excess = np.where(np.isnan(excess), np.inf, excess)  # a NaN in the formula first
    return apart[np.argsort(-excess, kind="stable")[:most]]


def from_coordinates(problem: Problem, vector: np.ndarray, reverse: list) -> Any:
    """Return a vector of real coordinates (full mode) as values shaped like the sources."""
    out, start = [], 0
    for i in range(len(reverse)):
        if i not in problem.live:
            out.append(None)
            continue
        source = problem.sources[i]
        size = int(np.prod(source.shape)) * (2 if source.dtype.is_complex else 1)
        part = vector[start:start + size]
        start += size
        if source.dtype.is_complex:
            part = part[0::2] + 1j * part[1::2]
        out.append(part.reshape(tuple(source.shape)))
    return out if len(out) > 1 else out[0]
