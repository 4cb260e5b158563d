"""The public helpers against hand-derived gradients, NumPy and SymPy."""

import numpy as np
import pytest
import sympy
import tensorflow as tf

import tfbasics
from tfbasics import check_gradient, choose_device, gradient, plot_sensitivity, sweep


def test_gradient_of_the_seed_cubic():
    np.testing.assert_allclose(gradient(lambda w: 4 * w + w**3, 1.0), 7.0, rtol=1e-6)


def test_gradient_of_several_arguments_is_a_tuple():
    dw1, dw2 = gradient(lambda w1, w2: w1 * w2**2, 3.0, 2.0)
    # d(w1·w2²)/dw1 = w2² = 4; d/dw2 = 2·w1·w2 = 12
    np.testing.assert_allclose([dw1, dw2], [4.0, 12.0], rtol=1e-6)


def test_gradient_of_a_vector_target_sums_it():
    # d(Σ w²)/dw = 2w, whether the sum is explicit or the target is the vector itself
    np.testing.assert_allclose(gradient(lambda w: w**2, [1.0, -3.0]), [2.0, -6.0], rtol=1e-6)


def test_gradient_of_a_list_target_sums_the_parts():
    np.testing.assert_allclose(gradient(lambda w: [2 * w, w**4], -1.0), -2.0, rtol=1e-6)


def test_float_dtypes_follow_the_input():
    assert gradient(lambda w: w**2, 1.5).dtype == tf.float32
    assert gradient(lambda w: w**2, [1.5]).dtype == tf.float32
    assert gradient(lambda w: w**2, np.array([1.5])).dtype == tf.float64
    assert gradient(lambda w: w**2, np.array([1.5], np.float32)).dtype == tf.float32


def test_float64_gradient_is_exact_to_float64():
    x = sympy.Symbol("x")
    expr = sympy.sin(x) * sympy.exp(x)
    expected = float(sympy.diff(expr, x).subs(x, 0.7))
    got = gradient(lambda w: tf.sin(w) * tf.exp(w), np.float64(0.7))
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_variables_are_used_as_they_are_and_tensors_are_watched():
    w = tf.Variable(2.0)
    seen = []
    np.testing.assert_allclose(gradient(lambda v: seen.append(v) or v**2, w), 4.0, rtol=1e-6)
    assert seen == [w] and seen[0] is w
    np.testing.assert_allclose(gradient(lambda v: v**3, tf.constant(2.0)), 12.0, rtol=1e-6)


def test_unconnected_gradient_stays_none():
    dw1, dw2 = gradient(lambda w1, w2: w1**2, 1.0, 5.0)
    np.testing.assert_allclose(dw1, 2.0, rtol=1e-6)
    assert dw2 is None


@pytest.mark.parametrize("bad", [1, [1, 2], True, "one", np.array([1, 2])])
def test_non_float_arguments_get_a_clear_error(bad):
    with pytest.raises(TypeError, match="^w (is|has)"):
        gradient(lambda w: w * 2.0, bad)


def test_non_callable_f_gets_a_clear_error():
    with pytest.raises(TypeError, match="f must be a function"):
        gradient(3.0, 1.0)


def test_check_gradient_passes_for_the_right_formula():
    check = check_gradient(lambda w: 4 * w + w**3, 1.0, analytic=lambda w: 4 + 3 * w**2)
    assert check.passed
    np.testing.assert_allclose(check.computed, 7.0, rtol=1e-6)
    np.testing.assert_allclose(check.expected, 7.0, rtol=1e-6)
    assert check.max_abs_error < 1e-5
    assert "CPU" in check.device or "GPU" in check.device
    assert str(check).startswith("✓ ")


def test_check_gradient_fails_for_a_wrong_formula():
    check = check_gradient(lambda w: 4 * w + w**3, 1.0, analytic=lambda w: 4 + 2 * w**2)
    assert not check.passed
    np.testing.assert_allclose(check.max_abs_error, 1.0, rtol=1e-6)  # 7 vs 6
    assert str(check).startswith("✗ ")


def test_check_gradient_with_values_and_several_arguments():
    check = check_gradient(lambda w1, w2: w1 + w2**2, 1.0, 2.0, analytic=(1.0, 4.0))
    assert check.passed
    wrong = check_gradient(lambda w1, w2: w1 + w2**2, 1.0, 2.0, analytic=(1.0, 5.0))
    assert not wrong.passed


def test_check_gradient_tolerances_follow_the_dtype():
    # float32 rounding of 4 + 3w² at w = 0.1 is far above float64 tolerance
    f32 = check_gradient(lambda w: w**3, 0.1, analytic=lambda w: 3 * w**2 + 1e-7)
    f64 = check_gradient(lambda w: w**3, np.float64(0.1), analytic=lambda w: 3 * w**2 + 1e-7)
    assert f32.passed and not f64.passed


def test_check_gradient_does_not_fill_none_with_zero():
    check = check_gradient(lambda w1, w2: w1**2, 1.0, 2.0, analytic=(2.0, 0.0))
    assert not check.passed
    assert check.computed[1] is None and "None" in check.note


def test_sweep_matches_numpy():
    x, y, dy = sweep(tf.tanh, -3.0, 3.0, num=61)
    np.testing.assert_allclose(x, np.linspace(-3, 3, 61), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(y, np.tanh(np.linspace(-3, 3, 61)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dy, 1 / np.cosh(np.linspace(-3, 3, 61)) ** 2, rtol=1e-5, atol=1e-6)
    assert not dy.flags.writeable  # documented: read-only views of TF's results
    dy.copy()[0] = 0.0  # a copy is the student's to change


@pytest.mark.parametrize("start, stop, num", [(1.0, 1.0, 10), (2.0, 1.0, 10), (0.0, 1.0, 1)])
def test_sweep_rejects_bad_ranges(start, stop, num):
    with pytest.raises(ValueError, match="sweep needs"):
        sweep(tf.tanh, start, stop, num)


def test_plot_sensitivity_writes_a_png(tmp_path):
    path = plot_sensitivity(lambda w: w**3, -2.0, 2.0, analytic=lambda w: 3 * w**2,
                            path=tmp_path / "cubic.png")
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def test_plot_sensitivity_into_a_missing_folder_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        plot_sensitivity(tf.tanh, -1.0, 1.0, path=tmp_path / "missing" / "x.png")


def test_choose_device():
    assert choose_device("cpu").endswith("CPU:0")
    gpus = tf.config.list_logical_devices("GPU")
    assert choose_device("auto") == (gpus[0].name if gpus else choose_device("cpu"))
    with pytest.raises(ValueError, match="unknown device 'tpu'"):
        choose_device("tpu")


@pytest.mark.skipif(tf.config.list_logical_devices("GPU"), reason="this machine has a GPU")
def test_choose_gpu_without_one_is_a_clear_error():
    with pytest.raises(RuntimeError, match="sees no GPU"):
        choose_device("gpu")


@pytest.mark.skipif(not tf.config.list_logical_devices("GPU"), reason="TF sees no GPU")
def test_choose_gpu_with_one():
    device = choose_device("gpu")
    assert "GPU" in device
    with tf.device(device):
        assert "GPU" in gradient(lambda w: w**2, 1.0).device


def test_public_names():
    assert set(tfbasics.__all__) >= {"gradient", "check_gradient", "sweep", "plot_sensitivity",
                                     "choose_device"}
    with pytest.raises(AttributeError):
        tfbasics.no_such_helper  # noqa: B018


def test_derivatives_of_sin_up_to_third_order():
    from tfbasics import derivatives

    x, (y, d1, d2, d3) = derivatives(tf.sin, -3.0, 3.0, num=31, order=3)
    grid = np.linspace(-3.0, 3.0, 31)
    np.testing.assert_allclose(x, grid, rtol=1e-6, atol=1e-6)
    for got, want in ((y, np.sin(grid)), (d1, np.cos(grid)), (d2, -np.sin(grid)),
                      (d3, -np.cos(grid))):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_derivatives_of_a_non_elementwise_f_is_a_clear_error():
    from tfbasics import derivatives

    with pytest.raises(ValueError, match="elementwise"):
        derivatives(tf.reduce_sum, 0.0, 1.0)


def test_plot_matrix_and_derivatives(tmp_path):
    from tfbasics import plot_derivatives, plot_matrix

    for path in (plot_matrix(np.array([[2.0, 1.0], [1.0, 3.0]]), path=tmp_path / "m.png"),
                 plot_derivatives(tf.sin, -3.0, 3.0, path=tmp_path / "d.png")):
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="2-D"):
        plot_matrix(np.zeros(3), path=tmp_path / "bad.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.png", "m.png"]


def test_compiled_gradient_matches_and_traces_once_per_signature():
    from tfbasics import compiled_gradient

    dL_dw = compiled_gradient(lambda w: 4 * w + w**3)
    for w in (1.0, 2.0, -1.5, 0.25):  # 4 + 3w²
        np.testing.assert_allclose(dL_dw(w), 4 + 3 * w**2, rtol=1e-6)
    assert dL_dw.tracing_count() == 1  # same dtype and shape: no retracing
    variable = tf.Variable(2.0)
    np.testing.assert_allclose(dL_dw(variable), 16.0, rtol=1e-6)
    np.testing.assert_allclose(dL_dw(tf.Variable(3.0)), 31.0, rtol=1e-6)
    assert dL_dw.tracing_count() == 2  # a Variable is a new signature, once
    np.testing.assert_allclose(dL_dw(np.array([1.0, 2.0])), [7.0, 16.0], rtol=1e-12)
    assert dL_dw.tracing_count() == 3


def test_compiled_gradient_of_two_arguments_and_bad_input():
    from tfbasics import compiled_gradient

    dx, dy = compiled_gradient(lambda x, y: x * tf.sin(y))(2.0, 0.5)
    np.testing.assert_allclose([dx, dy], [np.sin(0.5), 2 * np.cos(0.5)], rtol=1e-6)
    with pytest.raises(TypeError, match="w is an integer"):
        compiled_gradient(lambda w: w * 2.0)(3)
    with pytest.raises(TypeError, match="f must be a function"):
        compiled_gradient("w ** 2")


def test_short_name():
    from tfbasics import short_name

    assert short_name("/job:localhost/replica:0/task:0/device:CPU:1") == "CPU:1"
    assert short_name("/device:GPU:0") == "GPU:0"


def test_keras_variables_get_what_a_raw_tape_gives():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="tanh"),
                              keras.layers.Dense(1)])
    x = tf.constant([[1.0, 2.0, 3.0], [-1.0, 0.5, 0.0]])

    def L():
        return tf.reduce_sum(model(x) ** 2)

    with tf.GradientTape() as tape:
        value = L()
    raw = tape.gradient(value, model.trainable_variables)
    from tfbasics import compiled_gradient

    for got in (gradient(L, model.trainable_variables), gradient(L, *model.trainable_variables),
                compiled_gradient(L)(*model.trainable_variables)):
        assert len(got) == len(raw) == 4
        for a, b in zip(got, raw, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-6)
    check = check_gradient(L, model.trainable_variables)
    assert check.passed, str(check)
    # a Dense layer's kernel gradient of Σ(x·W + b) is xᵀ·1 for each column, the bias's 1
    layer = keras.layers.Dense(2)
    layer(x[:1])
    check = check_gradient(lambda: tf.reduce_sum(layer(x[:1])), layer.trainable_variables,
                           analytic=(np.tile(x[:1].numpy().T, (1, 2)), np.ones(2)))
    assert check.passed and not check_gradient(
        lambda: tf.reduce_sum(layer(x[:1])), layer.trainable_variables,
        analytic=(np.tile(x[:1].numpy().T, (1, 2)), 2 * np.ones(2))).passed


def test_check_raises_keeps_the_errors_own_words_beside_a_note():
    # TF's message is what a student meets in their own code: the note adds to it, not replaces
    check = tfbasics.check_raises("reshape 30 values to [7, -1]",
                                  lambda: tf.reshape(tf.range(30), [7, -1]),
                                  tf.errors.InvalidArgumentError, note="30 is not a multiple of 7")
    assert check.passed
    assert check.note.startswith("Input to reshape is a tensor with 30 values")
    assert check.note.endswith("(30 is not a multiple of 7)") and "[Op:" not in check.note
    # Keras wraps a layer's error in a preamble; the line that says what went wrong is kept
    import keras

    dense = keras.layers.Dense(2)
    dense(tf.ones((1, 3)))
    check = tfbasics.check_raises("4 features into a Dense built for 3",
                                  lambda: dense(tf.ones((1, 4))), ValueError)
    assert check.passed and "expected axis -1 of input shape to have value 3" in check.note

    class Flexible(keras.layers.Layer):  # a layer of one's own: the error comes from MatMul
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1], 3))

        def call(self, x):
            return tf.matmul(x, self.w)

    flexible = Flexible()
    flexible(tf.ones((1, 3)))
    check = tfbasics.check_raises("4 features into Flexible", lambda: flexible(tf.ones((1, 4))),
                                  tf.errors.InvalidArgumentError)
    assert check.note == "Matrix size-incompatible: In[0]: [1,4], In[1]: [3,3]", check.note
    missing = tfbasics.check_raises("no error", lambda: 1, ValueError, note="it should raise")
    assert not missing.passed and missing.note == "it should raise"
