"""The modules lesson: every example's values against NumPy, the guides' numbers or TF's rules.

`computed` runs an example twice (it must give the same checks) and asserts each check passed;
the values are then compared here with numbers worked out independently, never read back from
the lesson.
"""

import tempfile

import numpy as np
import tensorflow as tf
from conftest import checks_of, computed

from tfbasics.lessons import modules

PROBE = [-1.0, 0.0, 0.5, 3.0]  # the points save_and_reload evaluates


def lstsq_oracle():
    """The least-squares [w_q, w_l, b] of the lesson's data, solved with the normal equations."""
    x = np.linspace(-2.0, 2.0, 201).astype(np.float32)  # tf.linspace(-2, 2, 201) cast to float32
    noise = tf.random.stateless_normal([201], seed=[42, 0]).numpy()
    y = (x**2 + 2 * x - 5 + noise).astype(np.float64)
    X = np.stack([x**2, x, np.ones_like(x)], 1).astype(np.float64)
    return np.linalg.solve(X.T @ X, X.T @ y), X, y


def residual_oracle():
    """The mean squared error of the least-squares fit: the smallest loss any quadratic gets."""
    w, X, y = lstsq_oracle()
    return np.mean((X @ w - y) ** 2)


def relu_layers(x, seeds_and_shapes):
    """relu(... relu(x W1) ... Wn) in NumPy, with W from the seeded normals and zero biases."""
    for seed, shape in seeds_and_shapes:
        x = np.maximum(x @ tf.random.stateless_normal(shape, seed=seed).numpy(), 0)
    return x


TWO_LAYERS = [([1, 1], [3, 3]), ([2, 2], [3, 2])]  # the seeds and shapes of the_model's layers


def test_every_check_example_passes_twice_over():
    for example in modules.EXAMPLES:
        if "figures_dir" not in example.__code__.co_varnames[:example.__code__.co_argcount]:
            checks_of(example)


def test_the_data_is_near_the_guides_curve():
    w, _, _ = lstsq_oracle()
    np.testing.assert_allclose(w, [1.0, 2.0, -5.0], atol=0.1)  # y = x² + 2x - 5 + noise
    assert 0.8 < residual_oracle() < 1.2  # unit noise: about 1


def test_simple_module():
    value, trainable, everything = computed(modules.a_module_with_variables)
    np.testing.assert_allclose(value, 30.0)  # 5·5 + 5
    assert trainable == ["train_me:0"] and everything == ["do_not_train_me:0", "train_me:0"]


def test_nested_modules():
    output, counts = computed(modules.modules_inside_modules)
    np.testing.assert_allclose(output, relu_layers(np.full((1, 3), 2.0), TWO_LAYERS), rtol=1e-5)
    assert counts == [4, 2]


def test_variables_made_on_first_call():
    before, variables, output = computed(modules.variables_made_on_first_call)
    assert before == [] and variables == [["b:0", [3]], ["w:0", [4, 3]]]
    np.testing.assert_allclose(output, relu_layers(np.full((1, 4), 2.0), [([1, 1], [4, 3])]),
                               rtol=1e-5)


def test_gradient_descent_reaches_least_squares():
    coefficients, last_loss = computed(modules.fit_with_gradient_descent)
    np.testing.assert_allclose([float(c) for c in coefficients], lstsq_oracle()[0], atol=1e-4)
    np.testing.assert_allclose(last_loss, residual_oracle(), rtol=1e-4)


def test_mini_batches_land_near_least_squares():
    draws, batches, fell, coefficients, last_loss = computed(modules.training_in_mini_batches)
    assert draws == [False, True]  # stateful draws differ; stateless starts agree
    assert batches == [32, 32, 32, 32, 32, 32, 9]  # 201 = 6·32 + 9
    assert fell is True
    # (1 - 0.01·0.75)^700 ≈ 0.005 of a start about 4 units off, plus SGD jitter: under 0.1
    np.testing.assert_allclose([float(c) for c in coefficients], lstsq_oracle()[0], atol=0.1)
    assert residual_oracle() <= last_loss < 1.01 * residual_oracle()


def test_checkpoints():
    [restored] = computed(modules.checkpoint_round_trip)
    np.testing.assert_allclose([float(v) for v in restored], lstsq_oracle()[0], atol=1e-4)
    listed, shapes = computed(modules.looking_inside_a_checkpoint)
    assert listed == [  # the intro_to_modules guide's printed list
        ["_CHECKPOINTABLE_OBJECT_GRAPH", []],
        ["model/dense_1/b/.ATTRIBUTES/VARIABLE_VALUE", [3]],
        ["model/dense_1/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 3]],
        ["model/dense_2/b/.ATTRIBUTES/VARIABLE_VALUE", [2]],
        ["model/dense_2/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 2]],
    ]
    assert shapes == [[3], [3, 3], [2], [3, 2]]


def test_one_trace_per_input_shape():
    traces, y1, y2 = computed(modules.one_trace_per_input_shape)
    assert traces == [2, 3, 3]  # 2 on the first call (it makes variables), 1 per new shape
    row = relu_layers(np.full((1, 3), 2.0), TWO_LAYERS)
    np.testing.assert_allclose(y1, row, rtol=1e-5)
    np.testing.assert_allclose(y2, np.stack([row, row], axis=1), rtol=1e-5)


def test_saved_models():
    variables, outputs = computed(modules.save_and_reload)
    np.testing.assert_allclose([float(v) for v in variables], lstsq_oracle()[0], atol=1e-4)
    # |Δ(w_q x² + w_l x + b)| ≤ 1e-4·(9 + 3 + 1) at x = 3
    np.testing.assert_allclose(outputs, np.polyval(lstsq_oracle()[0], PROBE), atol=2e-3)
    kinds, outputs, untraced = computed(modules.a_loaded_model_is_not_its_class)
    assert kinds == [False, False] and untraced is ValueError
    row = relu_layers(np.full((1, 3), 2.0), TWO_LAYERS)
    np.testing.assert_allclose(outputs[0], row, rtol=1e-5)
    np.testing.assert_allclose(outputs[1], np.stack([row, row], axis=1), rtol=1e-5)


def test_keras_layers():
    raw, shapes, is_module = computed(modules.keras_tracks_add_weight_only)
    assert raw == 0 and is_module is False and [tuple(s) for s in shapes] == [(3,)]
    before, after, output, feature_error, dense_error = computed(
        modules.a_keras_layer_builds_once)
    assert before == [0, 0] and after == [1, [[3, 3], [3]]]
    assert np.asarray(output).shape == (2, 3)
    np.testing.assert_allclose(np.asarray(output)[1], 1.5 * np.asarray(output)[0], rtol=1e-5)
    assert feature_error is tf.errors.InvalidArgumentError and dense_error is ValueError


def test_keras_fits():
    [coefficients] = computed(modules.fit_with_keras)
    np.testing.assert_allclose(np.asarray(coefficients), lstsq_oracle()[0], atol=1e-4)
    history, coefficients, refused, is_sequential, weights, predictions = computed(
        modules.keras_model_of_the_guide)
    assert history == [100, True] and refused is ValueError and is_sequential is True
    assert [np.shape(w) for w in weights] == [(2, 1), (1,)]  # kernel [[w_l], [w_q]], bias
    np.testing.assert_allclose([float(c) for c in coefficients], lstsq_oracle()[0], atol=0.1)
    x = np.linspace(-2.0, 2.0, 201)
    # coefficients within 0.1 move a prediction by at most 0.1·(4 + 2 + 1) on [-2, 2]
    np.testing.assert_allclose(predictions, np.polyval(lstsq_oracle()[0], x), atol=0.7)


def test_files_go_to_temporary_folders_and_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for example in (modules.checkpoint_round_trip, modules.looking_inside_a_checkpoint,
                    modules.save_and_reload, modules.a_loaded_model_is_not_its_class,
                    modules.keras_model_of_the_guide):
        assert all(check.passed for check in example())
    assert list(tmp_path.iterdir()) == []


def test_cached_fits_match_the_examples():
    untrained, quad_model, losses = modules.mini_batch_fit()
    assert untrained.shape == (201,) and len(losses) == 100
    # the figures show the very model the example checked: same seeds, same order, same steps
    coefficients = computed(modules.training_in_mini_batches)[3]
    np.testing.assert_array_equal([float(quad_model.w_q), float(quad_model.w_l),
                                   float(quad_model.b)], [float(c) for c in coefficients])
    history = modules.keras_history()
    assert len(history) == 100 and history[-1] < history[0] / 10
    model, steps = modules.trained_model()
    assert len(steps) == 300
    np.testing.assert_allclose([float(model.w_q), float(model.w_l), float(model.b)],
                               lstsq_oracle()[0], atol=1e-4)
