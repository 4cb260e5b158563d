"""The autodiff lesson: every example's values against the guide's numbers or hand derivations.

`run_twice` runs an example twice (it must give the same checks, as a re-run notebook cell
does) and asserts each check passed; the values are then compared here with numbers written
out, never read back from the lesson. `printed` is what the example's shown code printed: the
output a student sees.
"""

import contextlib
import io
import re

import numpy as np
import pytest
import tensorflow as tf

from tfbasics.checks import check_close
from tfbasics.course.lesson import outline
from tfbasics.course.report import check_to_json
from tfbasics.lessons import autodiff

_RUNS: dict = {}


def _fingerprint(checks):
    """What a student sees of some checks, minus timings."""
    return [{k: v for k, v in check_to_json(check).items() if k != "timing"} for check in checks]


def run_twice(example):
    """Return (checks, printed output) of an example run twice in this process; both runs
    must give the same checks and the same output, and every check must pass."""
    if example not in _RUNS:
        runs = []
        for _ in range(2):
            with contextlib.redirect_stdout(io.StringIO()) as out:
                checks = list(example())
            runs.append((checks, out.getvalue()))
        assert _fingerprint(runs[0][0]) == _fingerprint(runs[1][0]), example.__name__
        assert runs[0][1] == runs[1][1], f"{example.__name__} prints differently when rerun"
        _RUNS[example] = runs[0]
    checks, _ = _RUNS[example]
    for check in checks:
        assert check.passed, str(check)
    return _RUNS[example]


def values(example):
    """Return {check name: computed value} for an example's checks."""
    return {check.name: check.computed for check in run_twice(example)[0]}


def printed(example):
    """Return what the example's shown code printed."""
    return run_twice(example)[1]


CHECK_EXAMPLES = [e for e in autodiff.EXAMPLES if e.__code__.co_argcount == 0]


@pytest.mark.parametrize("example", CHECK_EXAMPLES, ids=lambda e: e.__name__)
def test_every_example_passes_twice_over_and_says_where_its_answers_come_from(example):
    checks, _ = run_twice(example)
    assert checks
    for check in checks:  # check_raises has no `by`: its answer is the exception type
        assert check.by or isinstance(check.expected, type), check.name


def test_the_cubic_at_w_equal_1():
    [(name, value)] = values(autodiff.gradient_of_a_cubic).items()
    np.testing.assert_allclose(value, 7.0, rtol=1e-6)  # 4 + 3·1²
    assert name == "dL/dw at w = 1"
    assert printed(autodiff.gradient_of_a_cubic) == "tf.Tensor(7.0, shape=(), dtype=float32)\n"


def test_two_variables():
    dw1, dw2 = values(autodiff.gradient_of_two_variables).values()
    np.testing.assert_allclose([dw1, dw2], [1.0, 4.0], rtol=1e-6)
    assert printed(autodiff.gradient_of_two_variables) == "1.0 4.0\n"


def test_linear_layer_gradients_have_the_sources_shapes():
    got = list(values(autodiff.gradients_of_a_linear_layer).values())
    assert got[0] == [3, 2]
    # y = x @ w + b with the stateless-random w, recomputed here in NumPy; dloss/dw = xᵀy
    w = tf.random.stateless_normal((3, 2), seed=[1, 2]).numpy().astype(np.float64)
    y = np.array([[1.0, 2.0, 3.0]]) @ w
    np.testing.assert_allclose(got[1], np.array([[1.0], [2.0], [3.0]]) @ y, rtol=1e-5)
    np.testing.assert_allclose(got[2], y[0], rtol=1e-5)
    np.testing.assert_allclose(got[3], y[0], rtol=1e-5)


def test_keras_layer_gradients():
    got = list(values(autodiff.gradients_of_a_keras_layer).values())
    assert got[0] == [["Variable", "kernel"], ["Variable", "bias"]]
    kernel_gradient, bias_gradient = np.asarray(got[1]), np.asarray(got[2])
    assert kernel_gradient.shape == (3, 2) and bias_gradient.shape == (2,)
    # relu killed one unit, so its column of the gradient is exactly zero; the other is x·y
    assert np.count_nonzero(bias_gradient) == 1
    live = int(np.flatnonzero(bias_gradient)[0])
    np.testing.assert_allclose(kernel_gradient[:, 1 - live], 0.0, atol=0)
    np.testing.assert_allclose(kernel_gradient[:, live],
                               np.array([1.0, 2.0, 3.0]) * bias_gradient[live], rtol=1e-6)
    lines = printed(autodiff.gradients_of_a_keras_layer).splitlines()
    assert lines[:2] == ["kernel (3, 2)", "bias (2,)"]
    assert lines[2].startswith("tf.Tensor([0. ") and lines[2].endswith("dtype=float32)")


def test_what_the_tape_watches():
    got = list(values(autodiff.what_the_tape_watches).values())
    np.testing.assert_allclose(got[0], -2.0, rtol=1e-6)  # 2(w1 + c1) = 2(1 - 2)
    assert got[1] == [None, None, None, None]
    assert got[2] == ["w1:0"]
    out = printed(autodiff.what_the_tape_watches).splitlines()
    assert out[0] == "[<tf.Tensor: shape=(), dtype=float32, numpy=-2.0>, None, None, None, None]"
    assert out[1] == "(<tf.Variable 'w1:0' shape=() dtype=float32, numpy=1.0>,)"
    assert out[2].startswith("c2: c2 is a tf.Variable with trainable=False")
    assert out[3].startswith("c3: c3 is a tf.Tensor, not a tf.Variable") and \
        "c3.assign_add(1)" in out[3]
    assert out[4].startswith("alpha: the target does not use alpha")


def test_watching():
    dL_dw, dx0, dx1 = values(autodiff.watching_what_you_choose).values()
    np.testing.assert_allclose(dL_dw, -108.0, rtol=1e-6)  # 4·(-3)³
    assert dx0 is None
    np.testing.assert_allclose(dx1, 0.9999546, rtol=1e-6)  # sigmoid(10), the guide's value
    assert printed(autodiff.watching_what_you_choose) == (
        "tf.Tensor(-108.0, shape=(), dtype=float32)\n"
        "dy/dx0: None\ndy/dx1: 0.9999546\n")  # the guide's output


def test_intermediate_and_persistent():
    [dz_dy] = values(autodiff.gradient_of_an_intermediate_result).values()
    np.testing.assert_allclose(dz_dy, 18.0, rtol=1e-6)  # the guide: 2y with y = 9
    dw2_dw1, dL_dw2, dL_dw1, second = values(autodiff.persistent_tape).values()
    np.testing.assert_allclose(dw2_dw1, [2.0, 2.0], rtol=1e-6)
    np.testing.assert_allclose(dL_dw2, [4.0, -12.0], rtol=1e-6)
    np.testing.assert_allclose(dL_dw1, [8.0, -24.0], rtol=1e-6)
    assert second is RuntimeError
    # the plain tape's one answer, 2·w1, printed as TF prints it
    assert printed(autodiff.persistent_tape).splitlines()[-1] == \
        "tf.Tensor([ 2. -6.], shape=(2,), dtype=float32)"


def test_non_scalar_targets():
    each, summed, x_times, dL_dw = values(autodiff.gradient_of_several_targets).values()
    np.testing.assert_allclose([float(e) for e in each], [4.0, -0.25], rtol=1e-6)  # the guide
    np.testing.assert_allclose(summed, 3.75, rtol=1e-6)
    np.testing.assert_allclose(x_times, 7.0, rtol=1e-6)  # the guide's x·[3, 4]
    np.testing.assert_allclose(dL_dw, -2.0, rtol=1e-6)  # 2 + 4·(-1)³
    [dL_dw] = values(autodiff.gradient_of_a_vector_variable).values()
    np.testing.assert_allclose(dL_dw, [2.0, -6.0], rtol=1e-6)
    assert printed(autodiff.gradient_of_a_vector_variable) == \
        "tf.Tensor([ 2. -6.], shape=(2,), dtype=float32)\n"


def test_grids_sigmoid_and_tanh():
    [dy_dx] = values(autodiff.sigmoid_over_a_grid).values()
    x = np.linspace(-10.0, 10.0, 201)
    # the exact slope in float64: float32's σ(1 - σ) is off by ~5e-4 relative at |x| = 10
    np.testing.assert_allclose(dy_dx, np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-3, atol=1e-7)
    np.testing.assert_allclose(np.asarray(dy_dx)[100], 0.25, rtol=1e-6)  # the peak, at x = 0
    assert printed(autodiff.sigmoid_over_a_grid) == "(201,) 0.25\n"
    got = values(autodiff.tanh_sensitivity)
    [slope] = [v for name, v in got.items() if name.startswith("dL/dw of L = tanh")]
    w = np.linspace(-10.0, 10.0, 129)
    slope = np.asarray(slope)
    np.testing.assert_allclose(slope, 1 / np.cosh(w) ** 2, rtol=1e-5, atol=1e-6)
    assert slope[64] == 1.0 and np.all(slope[np.abs(w) > 9.2] == 0.0)  # 1 - 1 cancels
    [(name, zeros)] = [(n, v) for n, v in got.items() if n.startswith("dL/dw where")]
    # where TF's float32 tanh is exactly ±1: from about 8 on this grid, and at least beyond
    # where the exact tanh rounds to ±1 in float32 (1 - tanh w < 2⁻²⁵ for w > 9.01)
    at = float(re.search(r"≥ ([0-9.]+)", name).group(1))
    assert 7.0 < at < 9.1 and len(zeros) == 2 * int(np.sum(w >= at))
    assert np.all(np.asarray(zeros) == 0.0)


def test_the_exact_zero_check_can_fail():
    # the closed form is not 0 at those points (8e-9 at |w| = 10): with atol=0 only an
    # exact 0 passes, so the lesson's check is not the closed form in disguise
    w = np.linspace(-10.0, 10.0, 129)
    assert not check_close("x", 1 - np.tanh(w[:2]) ** 2, np.zeros(2), rtol=0, atol=0).passed


def test_control_flow_both_branches():
    taken, other = values(autodiff.control_flow).values()
    assert taken == [1.0, None, None]  # x = 1: result = v0
    assert [other[0], float(other[1]), other[2]] == [None, 4.0, None]  # x = -1: 2·v1 = 4
    assert printed(autodiff.control_flow).splitlines() == [
        "[<tf.Tensor: shape=(), dtype=float32, numpy=1.0>, None, None]",
        "[None, <tf.Tensor: shape=(), dtype=float32, numpy=4.0>, None]"]


def test_none_cases_show_the_diagnosis():
    none, zeros = values(autodiff.none_when_not_connected).values()
    assert none is None and printed(autodiff.none_when_not_connected) == (
        "None tf.Tensor([0. 0.], shape=(2,), dtype=float32)\n")
    np.testing.assert_array_equal(zeros, [0.0, 0.0])  # UnconnectedGradients.ZERO
    first, second = values(autodiff.none_after_replacing_a_variable).values()
    assert first == 1.0 and second is None
    assert printed(autodiff.none_after_replacing_a_variable) == (  # the guide's output
        "ResourceVariable : tf.Tensor(1.0, shape=(), dtype=float32)\nEagerTensor : None\n")
    for example, start in ((autodiff.none_through_numpy, "the path left TensorFlow"),
                           (autodiff.none_through_an_integer, "x is int32"),
                           (autodiff.none_through_a_stateful_op, "x0 only reaches the result "
                                                                 "through a stateful assign")):
        assert list(values(example).values()) == [None]
        lines = printed(example).splitlines()
        assert lines[0] == "None" and lines[1].startswith(start), example.__name__


def test_no_gradient_registered():
    [error] = values(autodiff.no_gradient_registered).values()
    assert error is LookupError
    assert printed(autodiff.no_gradient_registered) == (
        "LookupError: gradient registry has no entry for: AdjustContrastv2\n")


def test_keras_and_matplotlib_today():
    import keras
    import matplotlib

    major, dense, styles, old = values(autodiff.keras_today).values()
    assert major == "3" and dense is True and old is OSError
    assert styles == ["seaborn-v0_8-whitegrid"]
    assert tuple(int(p) for p in matplotlib.__version__.split(".")[:2]) >= (3, 8)
    assert printed(autodiff.keras_today).splitlines()[0] == f"{keras.__version__} tensorflow"


def test_the_student_facing_text_has_no_history_words():
    lesson = outline("autodiff")
    texts = [lesson.introduction] + [e.explanation for e in lesson.examples]
    texts += [check.name + " " + check.by + " " + check.note
              for example in CHECK_EXAMPLES for check in run_twice(example)[0]]
    texts += [e.code for e in lesson.examples]
    for text in texts:  # `seed=` as a TF argument is fine; "the seed" as an origin is not
        lowered = re.sub(r"seed=", "", text.lower())
        for word in ("seed", "original notebook", "first notebook"):
            assert word not in lowered, (word, text[:120])


def test_shown_code_is_at_most_80_columns_and_prints_where_it_teaches():
    # tests/pasted.py runs every example's shown code pasted (test_course.py)
    lesson = outline("autodiff")
    for example in lesson.examples:
        assert example.code and "check_close" not in example.code, example.name
        assert all(len(line) <= 80 for line in example.code.splitlines()), example.name
    silent = [e.name for e in lesson.examples if not e.figure and "print(" not in e.code]
    assert len(silent) <= 5, silent  # a value the claims show already, in a form seen before


def test_the_seaborn_check_can_fail():
    # a style matplotlib still ships does not raise: the lesson's check_raises would then fail
    import matplotlib.style

    from tfbasics.checks import check_raises

    def use_current_style():
        with matplotlib.style.context("seaborn-v0_8-whitegrid"):
            pass

    assert not check_raises("x", use_current_style, OSError).passed
