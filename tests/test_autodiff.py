"""The autodiff lesson: every example's values against the guide's numbers or hand derivations.

`computed_by_name` runs an example twice (it must give the same checks) and asserts each check
passed; the values are then compared here with numbers written out, never read back from the
lesson.
"""

import numpy as np
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.lessons import autodiff


def test_every_example_passes_twice_over():
    for example in autodiff.EXAMPLES:
        if "figures_dir" not in example.__code__.co_varnames[:example.__code__.co_argcount]:
            checks_of(example)


def test_the_seed_cubic_at_w_equal_1():
    got = computed_by_name(autodiff.gradient_of_a_cubic)
    [(name, value)] = got.items()
    np.testing.assert_allclose(value, 7.0, rtol=1e-6)  # 4 + 3·1²
    assert "w = 1" in name and "printed 'w = 2'" in name  # the seed's label, corrected


def test_two_variables():
    dw1, dw2 = computed_by_name(autodiff.gradient_of_two_variables).values()
    np.testing.assert_allclose([dw1, dw2], [1.0, 4.0], rtol=1e-6)


def test_linear_layer_gradients_have_the_sources_shapes():
    got = list(computed_by_name(autodiff.gradients_of_a_linear_layer).values())
    assert got[0] == [3, 2]
    # y = x @ w + b with the seeded w, recomputed here in NumPy; dloss/dw = xᵀy, dloss/db = y
    w = tf.random.stateless_normal((3, 2), seed=[1, 2]).numpy().astype(np.float64)
    y = np.array([[1.0, 2.0, 3.0]]) @ w
    np.testing.assert_allclose(got[1], np.array([[1.0], [2.0], [3.0]]) @ y, rtol=1e-5)
    np.testing.assert_allclose(got[2], y[0], rtol=1e-5)
    np.testing.assert_allclose(got[3], y[0], rtol=1e-5)


def test_keras_layer_gradients():
    got = list(computed_by_name(autodiff.gradients_of_a_keras_layer).values())
    assert got[0] == [["Variable", "kernel"], ["Variable", "bias"]]
    assert got[1] == [[3, 2], [2]]
    kernel_gradient, bias_gradient = np.asarray(got[2]), np.asarray(got[3])
    # relu killed one unit, so its column of the gradient is exactly zero; the other is x·y
    assert np.count_nonzero(bias_gradient) == 1
    live = int(np.flatnonzero(bias_gradient)[0])
    np.testing.assert_allclose(kernel_gradient[:, 1 - live], 0.0, atol=0)
    np.testing.assert_allclose(kernel_gradient[:, live],
                               np.array([1.0, 2.0, 3.0]) * bias_gradient[live], rtol=1e-6)


def test_what_the_tape_watches():
    got = computed_by_name(autodiff.what_the_tape_watches)
    values = list(got.values())
    np.testing.assert_allclose(values[0], -2.0, rtol=1e-6)  # 2(w1 + c1) = 2(1 - 2)
    assert values[1:5] == [None, None, None, None]
    assert values[5] == ["w1:0"]  # the seed's name= kept
    notes = [check.note for check in checks_of(autodiff.what_the_tape_watches)[1:5]]
    assert "c1 is a tf.Tensor, not a tf.Variable" in notes[0] and "tape.watch(c1)" in notes[0]
    assert "c2 is a tf.Variable with trainable=False" in notes[1]
    assert "c3 = c3 + 1" in notes[2] and "c3.assign_add(1)" in notes[2]
    assert notes[3].startswith("the target does not use alpha")


def test_watching():
    [dL_dw] = computed_by_name(autodiff.watching_a_constant).values()
    np.testing.assert_allclose(dL_dw, -108.0, rtol=1e-6)  # 4·(-3)³
    dx0, dx1, watched = computed_by_name(autodiff.watching_only_what_you_choose).values()
    assert dx0 is None and watched == [True]
    np.testing.assert_allclose(dx1, 0.9999546, rtol=1e-6)  # sigmoid(10), the guide's value


def test_intermediate_and_persistent():
    [dz_dy] = computed_by_name(autodiff.gradient_of_an_intermediate_result).values()
    np.testing.assert_allclose(dz_dy, 18.0, rtol=1e-6)  # the guide: 2y with y = 9
    w2, dw2_dw1, dL_dw2, dL_dw1, second = computed_by_name(autodiff.persistent_tape).values()
    np.testing.assert_allclose(w2, [2.0, -6.0], rtol=1e-6)  # the seed's w2
    np.testing.assert_allclose(dw2_dw1, [2.0, 2.0], rtol=1e-6)
    np.testing.assert_allclose(dL_dw2, [4.0, -12.0], rtol=1e-6)
    np.testing.assert_allclose(dL_dw1, [8.0, -24.0], rtol=1e-6)
    assert second is RuntimeError


def test_non_scalar_targets():
    each, summed = computed_by_name(autodiff.gradient_of_several_targets).values()
    np.testing.assert_allclose([float(e) for e in each], [4.0, -0.25], rtol=1e-6)  # the guide
    np.testing.assert_allclose(summed, 3.75, rtol=1e-6)
    x_times, L, dL_dw = computed_by_name(autodiff.gradient_of_a_tensor_target).values()
    np.testing.assert_allclose(x_times, 7.0, rtol=1e-6)  # the guide's x·[3, 4]
    np.testing.assert_allclose([np.asarray(p) for p in L], [-2.0, 1.0], rtol=1e-6)
    np.testing.assert_allclose(dL_dw, -2.0, rtol=1e-6)  # 2 + 4·(-1)³
    L, dL_dw = computed_by_name(autodiff.gradient_of_a_vector_variable).values()
    np.testing.assert_allclose([L, *dL_dw], [10.0, 2.0, -6.0], rtol=1e-6)


def test_grids_sigmoid_and_tanh():
    [dy_dx] = computed_by_name(autodiff.sigmoid_over_a_grid).values()
    x = np.linspace(-10.0, 10.0, 201)
    np.testing.assert_allclose(dy_dx, np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-4, atol=1e-7)
    np.testing.assert_allclose(np.asarray(dy_dx)[100], 0.25, rtol=1e-6)  # the peak, at x = 0
    kind, slope = computed_by_name(autodiff.tanh_sensitivity).values()
    assert kind == [False, True]  # a watched tf.Tensor, as the seed wrote it
    w = np.linspace(-10.0, 10.0, 129)
    slope = np.asarray(slope)
    np.testing.assert_allclose(slope, 1 / np.cosh(w) ** 2, rtol=1e-5, atol=1e-6)
    assert slope[64] == 1.0 and np.all(slope[np.abs(w) > 9.2] == 0.0)  # 1 - 1 cancels
    # the note names where TF's float32 tanh is exactly ±1 (measured here in NumPy from TF's)
    tanh = np.tanh(w.astype(np.float32))  # NumPy's is correctly rounded: ±1 from about 9
    assert np.abs(w)[np.abs(tanh) == 1].min() > 8.5
    [note] = [c.note for c in checks_of(autodiff.tanh_sensitivity) if c.note]
    assert "exactly 0 where TF's tanh returns ±1" in note


def test_control_flow_and_none_cases():
    assert list(computed_by_name(autodiff.control_flow).values()) == [1.0, None, None]
    [none] = computed_by_name(autodiff.none_when_not_connected).values()
    assert none is None
    first, second = computed_by_name(autodiff.none_after_replacing_a_variable).values()
    assert first == ["ResourceVariable", 1.0] and second == ["EagerTensor", None]
    notes = {check.name: check.note for example in (
        autodiff.none_after_replacing_a_variable, autodiff.none_through_numpy,
        autodiff.none_through_an_integer, autodiff.none_through_a_stateful_op)
        for check in checks_of(example)}
    assert "x.assign_add(1)" in notes["second pass: an EagerTensor, dy/dx is None"]
    assert notes["dy/dx is None: the path went through NumPy"].startswith(
        "the path left TensorFlow")
    assert notes["dy/dx is None for x = tf.constant(10), an int32"].startswith("x is int32")
    assert "stateful assign" in notes["dy/dx0 is None: the path went through assign_add"]


def test_no_gradient_registered_and_zeros():
    error, named = computed_by_name(autodiff.no_gradient_registered).values()
    assert error is LookupError and named is True
    [zeros] = computed_by_name(autodiff.zeros_instead_of_none).values()
    np.testing.assert_array_equal(zeros, [0.0, 0.0])


def test_keras_today():
    assert list(computed_by_name(autodiff.keras_today).values()) == [
        "3", "tensorflow", True, [False, True]]
