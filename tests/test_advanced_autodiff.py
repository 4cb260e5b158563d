"""The advanced_autodiff lesson: values from the guide and from hand derivations."""

import numpy as np
import pytest
from conftest import computed

from tfbasics.lessons import advanced_autodiff as lesson


@pytest.mark.parametrize("example", [lesson.stop_recording, lesson.reset_the_tape,
                                     lesson.stop_gradient])
def test_controlling_the_tape(example):
    dz_dx, dz_dy = computed(example)
    np.testing.assert_allclose(dz_dx, 4.0, rtol=1e-6)  # 2x at x = 2
    assert dz_dy is None


def test_custom_gradients():
    [dv] = computed(lesson.custom_gradient_clipping)
    np.testing.assert_allclose(dv, 2.0, rtol=1e-6)  # the guide's value
    naive_is_nan, stable = computed(lesson.custom_gradient_for_stability)
    assert naive_is_nan is True
    np.testing.assert_allclose(stable, 1.0, rtol=1e-6)


def test_the_broken_custom_gradient_is_blamed_on_the_tape():
    [check] = lesson.a_broken_custom_gradient_is_caught()
    assert check.passed and check.computed == [False, "reverse"]
    assert "the tape disagrees" in check.note and "6.0 vs 4.0" in check.note


def test_higher_order():
    d1, d2 = computed(lesson.higher_order_gradients)
    np.testing.assert_allclose([d1, d2], [3.0, 6.0], rtol=1e-6)


def test_jacobians():
    [dy_dx] = computed(lesson.jacobian_of_a_scalar_source)
    x = np.linspace(-10, 10, 201)
    np.testing.assert_allclose(dy_dx, np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-4, atol=1e-7)
    shape, j = computed(lesson.jacobian_of_a_tensor_source)
    assert shape == [7, 10, 5, 10]
    j = np.asarray(j)
    assert np.count_nonzero(j[:, 0, :, 1]) == 0  # y[:, 0] does not depend on w[:, 1]
    shape, jb = computed(lesson.batch_jacobian)
    assert shape == [7, 10, 5]


def test_hessians():
    g, H, _ = computed(lesson.hessian_with_nested_tapes)
    np.testing.assert_allclose(g, [4.0, 13.0], rtol=1e-6)
    np.testing.assert_allclose(H, [[4.0, 2.0], [2.0, 12.0]], rtol=1e-6)
    H6, _ = computed(lesson.hessian_of_six_variables)
    w = np.linspace(-1.5, 1.5, 6)
    np.testing.assert_allclose(np.diag(H6), np.diag(lesson.A) - np.sin(w), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(H6, np.asarray(H6).T, rtol=0, atol=1e-6)


def test_forward_mode():
    [jvp] = computed(lesson.forward_mode_jvp)
    np.testing.assert_allclose(jvp, [3.0, 6.0], rtol=1e-6)


def test_derivatives_over_a_grid_against_sympy():
    import sympy

    x = sympy.Symbol("x")
    f = sympy.sin(x) * sympy.exp(-x**2 / 8)
    grid = np.linspace(-6.0, 6.0, 241)
    d1, d2 = computed(lesson.derivatives_over_a_grid)
    for got, order in ((d1, 1), (d2, 2)):
        exact = sympy.lambdify(x, sympy.diff(f, x, order), "numpy")(grid)
        np.testing.assert_allclose(got, exact, rtol=1e-4, atol=1e-5)


def test_figures(tmp_path):
    for example in (lesson.plot_derivatives_of_a_smooth_function, lesson.plot_hessian_heat_map):
        path = example(tmp_path)
        data = path.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "advanced_autodiff_derivatives.png", "advanced_autodiff_hessian.png"]
