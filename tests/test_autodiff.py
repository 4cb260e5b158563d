"""The autodiff lesson: every example's values against numbers derived by hand."""

import numpy as np
import pytest
from conftest import checks_of

from tfbasics.lessons import autodiff


def values(checks):
    """Return {check name: computed value as NumPy (or None)} for one example."""
    return {c.name: (None if c.computed is None else np.asarray(c.computed)) for c in checks}


def test_every_check_passes():
    for example in autodiff.EXAMPLES:
        if example is not autodiff.plot_tanh_sensitivity:
            checks_of(example)  # asserts that each check passed


def test_cubic_at_w_equal_1():
    [check] = autodiff.gradient_of_a_cubic()
    # dL/dw = 4 + 3w² = 7 at w = 1; the label must say w = 1 (the original said w = 2).
    np.testing.assert_allclose(check.computed, 7.0, rtol=1e-6)
    assert "w = 1" in check.name and "w = 2" not in check.name


def test_two_variables():
    dw1, dw2 = (c.computed for c in autodiff.gradient_of_two_variables())
    np.testing.assert_allclose([dw1, dw2], [1.0, 4.0], rtol=1e-6)


def test_what_the_tape_watches():
    checks = autodiff.what_the_tape_watches()
    assert len(checks) == 5
    np.testing.assert_allclose(checks[0].computed, -2.0, rtol=1e-6)
    assert [c.computed for c in checks[1:]] == [None, None, None, None]
    reasons = [c.note for c in checks[1:]]
    assert "c1 is a tf.Tensor, not a tf.Variable" in reasons[0] and "tape.watch(c1)" in reasons[0]
    assert "c2 is a tf.Variable with trainable=False" in reasons[1]
    assert "c3 = c3 + 1" in reasons[2] and "c3.assign_add(1)" in reasons[2]
    assert reasons[3].startswith("the target does not use alpha")


def test_watching_a_constant():
    [check] = autodiff.watching_a_constant()
    np.testing.assert_allclose(check.computed, -108.0, rtol=1e-6)


def test_vector_variable():
    L, dL_dw = (c.computed for c in autodiff.gradient_of_a_vector_variable())
    np.testing.assert_allclose(L, 10.0, rtol=1e-6)
    np.testing.assert_allclose(dL_dw, [2.0, -6.0], rtol=1e-6)


def test_list_target():
    L, dL_dw = (c.computed for c in autodiff.gradient_of_a_list_target())
    np.testing.assert_allclose([np.asarray(part) for part in L], [-2.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(dL_dw, -2.0, rtol=1e-6)


def test_persistent_tape():
    dw2_dw1, dL_dw2, dL_dw1, second_call = autodiff.persistent_tape()
    np.testing.assert_allclose(dw2_dw1.computed, [2.0, 2.0], rtol=1e-6)
    np.testing.assert_allclose(dL_dw2.computed, [4.0, -12.0], rtol=1e-6)
    np.testing.assert_allclose(dL_dw1.computed, [8.0, -24.0], rtol=1e-6)
    assert second_call.computed is RuntimeError and second_call.passed


def test_tanh_sensitivity_over_the_grid():
    [check] = autodiff.tanh_sensitivity()
    w = np.linspace(-10.0, 10.0, 129)
    computed = np.asarray(check.computed)
    assert computed.shape == (129,)
    # float32 tanh saturates to ±1 in the tails, so compare with an absolute floor.
    np.testing.assert_allclose(computed, 1 / np.cosh(w) ** 2, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(computed[64], 1.0, rtol=1e-6)
    assert check.max_abs_error is not None and check.max_abs_error < 1e-5


def test_plot_writes_a_png(tmp_path):
    path = autodiff.plot_tanh_sensitivity(tmp_path)
    assert path == tmp_path / "autodiff_tanh.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize("example", autodiff.EXAMPLES, ids=lambda e: e.__name__)
def test_examples_have_docstrings(example):
    assert example.__doc__ and example.__doc__.strip().endswith(".")
