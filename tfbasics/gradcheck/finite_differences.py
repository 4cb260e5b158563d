"""Finite differences: central differences along each direction, with their own error
estimate (Richardson: two steps compared), a smaller step where f changes too fast or
leaves its domain, and a larger one where rounding swamps the smaller.
"""

from __future__ import annotations

import numpy as np

from tfbasics.gradcheck.directions import base_steps, evaluate, offset_points, size_along
from tfbasics.gradcheck.legs import FINITE_DIFFERENCES, Leg
from tfbasics.gradcheck.problem import Problem

FD_SAFETY = 4.0  # finite differences may be off by this multiple of their error estimate
_FD_LEVELS = 3  # steps eps^(1/3), /16, /256 for accuracy; kinks are followed further down
_FD_FINEST = 12  # at most 16^12 times smaller than the base step
_KINK_SHRINKS = 2  # a kink's gap holds at the 16- and the 256-fold smaller step
_GROWTH = 1.5  # a gap this many times the previous step's: f blows up within the step
_JUMP = 1e-2  # ... where f changes by this share of its size within the step


_STENCIL = np.array([1.0, -1.0, 2.0, -2.0])  # f at w ± h·u and w ± 2h·u


def richardson(fine: np.ndarray, coarse: np.ndarray, order: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the Richardson extrapolation of two estimates from steps h (fine) and 2h
    (coarse) whose error shrinks as h**order, and the fine one's error: a smooth f's
    D(2h) - D(h) is (2**order - 1) times D(h)'s own error, which the extrapolation cancels.
    Central differences have order 2, one-sided ones order 1."""
    k = 2.0**order
    return (k * fine - coarse) / (k - 1), np.abs(fine - coarse) / (k - 1)


def central(problem: Problem, directions: np.ndarray, steps: np.ndarray) -> dict:
    """Evaluate f on the stencil w ± h·u and w ± 2h·u; return the central slope extrapolated
    from both steps (Richardson), its error estimate, and the one-sided slopes."""
    real = problem.fd_dtype.real_dtype.as_numpy_dtype
    count = len(directions)
    values = evaluate(problem, 4 * count, offset_points(problem, directions, _STENCIL, steps))
    f0, (fp1, fm1, fp2, fm2) = problem.f0, values.reshape(count, 4).T
    # The steps the dtype could represent: exact on an axis, nominal along a random u.
    taken = np.abs(_STENCIL)[:, None] * steps[None, :]
    axis = directions >= 0
    for o, offset in enumerate(_STENCIL):
        w = problem.w[directions[axis]]
        taken[o, axis] = np.abs((w + offset * steps[axis]).astype(real) - w)
    hp1, hm1, hp2, hm2 = taken
    d1 = (fp1 - fm1) / (hp1 + hm1)
    d2 = (fp2 - fm2) / (hp2 + hm2)
    eps = float(np.finfo(real).eps)
    biggest = np.max(np.abs(np.stack([np.full(count, f0), fp1, fm1, fp2, fm2])), axis=0)
    # Rounding: each f value is off by ~eps·|f|, and each coordinate of w is rounded too
    # (eps·Σ|w·g|). Truncation: D(2h) - D(h) = 3·(D(h)'s own error) for a smooth f.
    # Intermediates of w's size inside f round too (1e6·w, say): eps·|w|·|g| on an axis.
    along = np.where(axis, np.abs(problem.w[np.where(axis, directions, 0)])
                     * np.abs(problem.tape[np.where(axis, directions, 0)]),
                     problem.w_dot_tape)
    rounding = 2 * eps * (biggest + along) / steps
    finite = np.isfinite(np.stack([fp1, fm1, fp2, fm2])).all(axis=0) & np.isfinite(f0)
    with np.errstate(invalid="ignore", over="ignore"):
        value, error = richardson(d1, d2, 2)
        return {"value": value, "error": error + rounding,
                "finite": finite, "rounding": rounding, "biggest": biggest,
                "left": (f0 - fm1) / hm1, "right": (fp1 - f0) / hp1,
                "left2": (f0 - fm2) / hm2, "right2": (fp2 - f0) / hp2,
                "taylor": (steps[0], f0, fp1, fm1, fp2, fm2)}


def finite_difference_leg(problem: Problem, directions: np.ndarray) -> Leg:
    """Central differences along each direction, with an error estimate and kink detection:
    the finite-difference leg of every check (see `_walk`)."""
    return _walk(problem, directions, finest=False)


def converged_leg(problem: Problem, directions: np.ndarray) -> Leg:
    """Central differences at ever smaller steps until two neighbouring steps agree, where
    finite differences alone disagree with the other legs (see `_walk`, kinks.refine)."""
    return _walk(problem, directions, finest=True)


def _walk(problem: Problem, directions: np.ndarray, finest: bool) -> Leg:
    """Central differences along each direction, with an error estimate and kink detection.

    Each direction starts at the base step eps^(1/3); where f is not finite there or the
    estimate is poor (f changes too fast, or the step straddles a kink), the step shrinks
    16-fold, twice at most. A kink is confirmed only when the gap between the one-sided slopes
    stays the same at every smaller step, down to the finest step the dtype resolves; a
    candidate refuted on the way means the step straddled a kink nearby, and the estimate then
    comes from the smaller steps only. With `finest` (used where finite differences alone
    disagree) the step shrinks until two neighbouring steps agree, as far as rounding allows;
    where none do, finite differences stand aside there.
    """
    wider = problem.fd_dtype.real_dtype.size > problem.dtype.real_dtype.size
    leg = Leg(FINITE_DIFFERENCES, "finite differences",
              (f"f loses precision in {problem.dtype.real_dtype.name} here (the differences "
               f"ran in {problem.fd_dtype.real_dtype.name}): check in float64; or " if wider
               else "f may be too noisy in its dtype (try float64); or ")
              + "f jumps here, or replaces its gradient on purpose (tf.stop_gradient, "
                "tf.custom_gradient)")
    count = len(directions)
    base = base_steps(problem, directions)
    magnitude = size_along(problem, "tape", directions)
    eps_fd = float(np.finfo(problem.fd_dtype.real_dtype.as_numpy_dtype).eps)
    axis = directions >= 0
    smallest = 64 * eps_fd * np.where(axis, np.abs(problem.w[np.where(axis, directions, 0)]),
                                      1.0)  # below this the dtype cannot move w
    value, error, curvature = np.full(count, np.nan), np.full(count, np.inf), np.zeros(count)
    rounding = np.zeros(count)  # the rounding part of each estimate's error
    gap0, low, high = np.full(count, np.nan), np.full(count, np.nan), np.full(count, np.nan)
    candidate, judged = np.zeros(count, bool), np.zeros(count, bool)
    confirmed = np.zeros(count, int)  # finer steps at which a kink's gap held
    previous_gap = np.full(count, np.nan)  # the gap at the level before
    singular = np.zeros(count, bool)  # the gap grew as the step shrank: f blows up near w
    disagreed = np.zeros(count, bool)  # two neighbouring steps' estimates disagreed
    last_value, last_error = np.full(count, np.nan), np.full(count, np.inf)
    kink_margin = np.zeros(count)
    previous, previous_error = np.full(count, np.nan), np.full(count, np.inf)
    converged = np.zeros(count, bool)  # finest: two neighbouring steps agreed
    first_level, used = np.zeros(count, int), np.full(count, -1)  # levels estimates come from
    todo, level = np.arange(count), 0
    while todo.size and level <= _FD_FINEST:
        steps = base[todo] * 16.0**-level
        found = central(problem, directions[todo], steps)
        if level == 0:
            leg.taylor = found["taylor"]
        gap = found["right"] - found["left"]
        keep = []
        for j, k in enumerate(todo):
            if not found["finite"][j]:
                candidate[k] = False  # cannot confirm a kink where f is not finite
                keep.append(level + 1 < _FD_LEVELS)
                continue
            # A smooth f's one-sided slopes differ by h·f'' (the gap shrinks with the step), a
            # kink's by a constant; a gap that grows as the step shrinks means f's curvature
            # grows faster than 1/h: a singularity within the step (log|w|, 1/w near 0).
            # Every estimate from this step and the larger ones is void.
            # (f must change by a share of its own size within the step: rounding of
            # intermediates that the estimate misses also grows as 1/h, but stays small.)
            if (level > 0 and abs(gap[j]) > _GROWTH * abs(previous_gap[k])
                    and abs(gap[j]) > 8 * found["rounding"][j]
                    and abs(gap[j]) * steps[j] >= _JUMP * found["biggest"][j]):
                singular[k], candidate[k], judged[k] = True, False, False
                first_level[k], error[k], value[k] = level + 1, np.inf, np.nan
            previous_gap[k] = gap[j]
            # Neighbouring steps whose estimates differ beyond both error bounds: the larger
            # step's estimate fooled its own error estimate (it aliases a frequency or
            # straddles a singularity); it and all larger ones are void. Not where the smaller
            # step is all rounding (f did not change at all): that step cannot contradict.
            with np.errstate(invalid="ignore"):
                apart = level > 0 and abs(found["value"][j] - last_value[k]) > FD_SAFETY * (
                    found["error"][j] + last_error[k]) and (
                    found["error"][j] > 2 * found["rounding"][j])
            if apart and not candidate[k]:
                disagreed[k] = True
                first_level[k] = max(first_level[k], level)
                if used[k] < level:
                    error[k], value[k] = np.inf, np.nan
            last_value[k], last_error[k] = found["value"][j], found["error"][j]
            if level == 0:
                gap0[k] = gap[j]
                wide = found["right2"][j] - found["left2"][j]
                candidate[k] = bool(abs(gap[j]) > 8 * found["rounding"][j] + 1e-3 * magnitude[k]
                                    and np.sign(wide) == np.sign(gap[j])
                                    and abs(wide) < 1.5 * abs(gap[j]))
            elif candidate[k] and 64 * found["rounding"][j] < abs(gap0[k]):
                if 0.5 < gap[j] / gap0[k] < 1.5:  # the jump stays: so far, a kink
                    confirmed[k] += 1
                    if not judged[k]:  # the one-sided slopes from the least rounded step:
                        # a one-sided difference errs by h·f''/2 on its side, so extrapolate
                        # from steps h and 2h (Richardson), which cancels that error
                        left, right = found["left"][j], found["right"][j]
                        bias = abs(left - found["left2"][j]) + abs(right - found["right2"][j])
                        low[k], high[k] = sorted((richardson(left, found["left2"][j], 1)[0],
                                                  richardson(right, found["right2"][j], 1)[0]))
                        kink_margin[k] = FD_SAFETY * 3 * found["rounding"][j] + bias / 4
                    judged[k] = True
                else:  # the jump shrank: the step straddled a kink nearby; trust finer steps
                    candidate[k], judged[k], confirmed[k] = False, False, 0
                    first_level[k], error[k] = max(first_level[k], level), np.inf
            fine = found["rounding"][j] * 16 <= 1e-3 * (abs(found["value"][j]) + magnitude[k])
            if finest:  # two neighbouring steps that agree: the sequence has converged
                change = abs(found["value"][j] - previous[k])
                if (change <= found["error"][j] + previous_error[k] and not converged[k]
                        and level > first_level[k]):  # both steps past any void ones
                    value[k], used[k], converged[k] = found["value"][j], level, True
                    error[k] = max(found["error"][j], change)
                    curvature[k] = abs(gap[j]) / steps[j]
                previous[k], previous_error[k] = found["value"][j], found["error"][j]
            elif level >= first_level[k] and found["error"][j] < error[k]:
                value[k], error[k], used[k] = found["value"][j], found["error"][j], level
                curvature[k], rounding[k] = abs(gap[j]) / steps[j], found["rounding"][j]
            settled = error[k] <= 1e-3 * (abs(value[k]) + magnitude[k])
            # A 16× smaller step multiplies rounding by 16: where rounding is most of the
            # error already, it cannot help (stepping up, below, may).
            rounded = found["finite"][j] and 2 * found["rounding"][j] >= found["error"][j]
            can_judge = 64 * found["rounding"][j] * 16 < abs(gap0[k])
            keep.append(
                (candidate[k] and can_judge and steps[j] / 16 > smallest[k])
                or (finest and not converged[k] and fine and steps[j] / 16 > smallest[k])
                or (not finest and not settled and not rounded
                    and level + 1 < max(_FD_LEVELS, first_level[k] + 2)))
        todo, level = todo[np.array(keep, bool)], level + 1
    stepped = np.zeros(count, bool)
    if not finest:  # rounding swamps the usual step (f adds a large constant): step up
        stepped = step_up(problem, directions, base, ~candidate, value, error, magnitude,
                           rounding)
    # A kink: the gap between the one-sided slopes held at both shrinks (16 and 256 times).
    # Where f's rounding stopped a shrink, finite differences cannot tell a kink from a
    # smooth point beside one (f carries a large constant): they stand aside there.
    kink = candidate & judged & (confirmed >= _KINK_SHRINKS)
    unsure = candidate & ~kink
    value[unsure], error[unsure] = np.nan, np.inf
    lost = (singular | disagreed) & ~np.isfinite(error)  # no step resolved f's slope
    if finest:  # no two steps agreed: finite differences cannot settle here, and stand aside
        value, error = np.where(converged | kink, value, np.nan), np.where(
            converged | kink, error, np.inf)
    missing = ~np.isfinite(error)
    leg.values, leg.missing = value, missing
    leg.unsure, leg.unresolved = unsure, lost
    leg.spread = np.where(missing, 0.0, np.where(kink, kink_margin, FD_SAFETY * error))
    leg.kinks, leg.low, leg.high, leg.stepped = kink, low, high, stepped & ~missing
    labels = lambda mask: [problem.label(d) if d >= 0 else "a joint direction"  # noqa: E731
                           for d in directions[mask]][:5]
    smaller = (used > 0) & ~kink & ~missing
    if smaller.any() and not finest:
        leg.notes.append(f"finite differences took a smaller step at "
                         f"{', '.join(labels(smaller))}{' …' if smaller.sum() > 5 else ''} (f "
                         f"changes too fast there, the usual step leaves its domain, or it "
                         f"straddles a kink nearby)")
    edge = missing & ~unsure & ~lost
    if edge.any():
        leg.notes.append(f"finite differences could not evaluate f around "
                         f"{', '.join(labels(edge))} (not finite even with a 256× smaller "
                         f"step: an edge of f's domain); the other legs decide there")
    if unsure.any():
        leg.notes.append(f"finite differences could not tell whether f has a kink at "
                         f"{', '.join(labels(unsure))} (f's rounding stops the smaller steps "
                         f"that would confirm one: f adds a large constant?); the other legs "
                         f"decide there")
    if lost.any():
        leg.notes.append(f"finite differences cannot resolve f's slope along "
                         f"{', '.join(labels(lost))} (their steps disagree: f changes faster "
                         f"than the smallest step they can take resolves, a high frequency or "
                         f"a singularity near w); the other legs decide there")
    with np.errstate(invalid="ignore", divide="ignore"):  # compared with nearby slopes' size
        vague = ~missing & ~kink & (FD_SAFETY * error > 1e-2 * (np.abs(value) + magnitude
                                                                + curvature * base))
        vague &= ~((magnitude == 0) & (np.abs(value) <= FD_SAFETY * error))  # a flat f: 0
    if vague.any():
        leg.notes.append(f"finite differences are too noisy to confirm the gradient at "
                         f"{', '.join(labels(vague))} (f rounds off more than the gradient "
                         f"changes it, e.g. f adds a large constant); the other legs decide, "
                         f"and forward mode reuses any tf.custom_gradient of f")
    return leg


def step_up(problem: Problem, directions: np.ndarray, base: np.ndarray, smooth: np.ndarray,
             value: np.ndarray, error: np.ndarray, magnitude: np.ndarray,
             rounding: np.ndarray) -> np.ndarray:
    """Where an estimate is too coarse to confirm anything because of f's rounding (not of
    its curvature), try steps 16, 256, ... 16⁴ times the base step. An estimate counts only
    once two neighbouring steps agree within their errors and it resolves 1e-3 of the slope:
    for a smooth f whose rounding swamped the small step, larger steps agree; across a kink
    or a frequency they alias, they do not. Updates value and error in place; returns where a
    larger step settled the estimate."""
    stepped = np.zeros(len(directions), bool)
    with np.errstate(invalid="ignore"):
        coarse = np.flatnonzero(smooth & np.isfinite(error) & (2 * rounding >= error)
                                & (error > 1e-3 * (np.abs(value) + magnitude)))
    previous, previous_error = value[coarse].copy(), error[coarse].copy()
    # The base step's estimate is coarse but unbiased: a larger step's estimate must lie
    # within its error too. Two large steps can agree on a wrong slope where f saturates
    # (tanh far from w) or repeats; the base step, closest to w, rules them out.
    first, first_error = previous.copy(), previous_error.copy()
    for up in range(1, 5):
        if not coarse.size:
            break
        found = central(problem, directions[coarse], base[coarse] * 16.0**up)
        change = np.abs(found["value"] - previous)
        with np.errstate(invalid="ignore"):
            settled = found["finite"] & (change <= found["error"] + previous_error) & (
                np.maximum(found["error"], change) <= 1e-3 * (np.abs(found["value"])
                                                              + magnitude[coarse])) & (
                np.abs(found["value"] - first) <= found["error"] + FD_SAFETY * first_error)
        done = coarse[settled]
        value[done] = found["value"][settled]
        error[done] = np.maximum(found["error"], change)[settled]
        stepped[done] = True
        # A larger step whose estimate got worse met f's curvature: larger ones only get worse.
        keep = found["finite"] & ~settled & (found["error"] < previous_error)
        coarse, previous, previous_error = (coarse[keep], found["value"][keep],
                                            found["error"][keep])
        first, first_error = first[keep], first_error[keep]
    return stepped
