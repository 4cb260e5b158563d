"""The modules lesson: every example's values against NumPy, the guides' numbers or TF's rules.

`computed_by_name` runs an example twice (it must give the same checks) and asserts each check
passed; the values are then compared here with numbers worked out independently, never read
back from the lesson.
"""

import tempfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import checks_of, computed_by_name

from tfbasics.checks import check_close
from tfbasics.lessons import modules

PROBE = [-1.0, 0.5, 3.0]  # the points save_and_reload evaluates
W = "[w_q, w_l, b]"


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


def floats(values):
    return [float(v) for v in values]


CHECK_EXAMPLES = [example for example in modules.EXAMPLES if "figures_dir" not in
                  example.__code__.co_varnames[:example.__code__.co_argcount]]
# Training, saving and Keras fits take seconds each: the inner loop runs the other examples.
HEAVY = {"fit_with_gradient_descent", "training_in_mini_batches", "save_and_reload",
         "keras_model_of_the_guide"}
EXAMPLES = [pytest.param(example, marks=pytest.mark.slow) if example.__name__ in HEAVY
            else example for example in CHECK_EXAMPLES]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.__name__)
def test_every_check_example_passes_twice_over(example):
    checks_of(example)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.__name__)
def test_every_check_says_where_its_answer_comes_from(example):
    for check in checks_of(example):
        raises = isinstance(check.expected, type) and issubclass(check.expected, BaseException)
        assert raises or check.by, f"{example.__name__}: {check.name} has no by="


@pytest.mark.slow
def test_the_fit_checks_fail_for_a_fit_stopped_early():
    """The tolerances are tight enough to tell a converged fit from one stopped early."""
    x, y = modules.quadratic_data()
    exact = lstsq_oracle()[0]
    for lr, epochs, batch_size, tolerance in [(0.1, 10, 201, modules.FIT_TOLERANCE),
                                              (0.01, 3, 32, modules.MINI_BATCH_TOLERANCE)]:
        model = modules.Model()
        modules.train(model, modules.batches(x, y, batch_size), x, y, lr=lr, epochs=epochs)
        check = check_close(W, [model.w_q, model.w_l, model.b], list(exact), atol=tolerance,
                            rtol=0, by="the normal equations")
        assert not check.passed, check


def test_the_data_is_near_the_guides_curve():
    w, _, _ = lstsq_oracle()
    np.testing.assert_allclose(w, [1.0, 2.0, -5.0], atol=0.1)  # y = x² + 2x - 5 + noise
    assert 0.8 < residual_oracle() < 1.2  # unit noise: about 1


def test_simple_module():
    got = computed_by_name(modules.modules_and_their_variables)
    np.testing.assert_allclose(got["simple_module(5.0)"], 30.0)  # 5·5 + 5
    assert got["the trainable variables' names"] == ["train_me:0"]
    assert got["all variables' names"] == ["do_not_train_me:0", "train_me:0"]


def test_nested_modules():
    got = computed_by_name(modules.modules_and_their_variables)
    np.testing.assert_allclose(got["my_model([[2, 2, 2]])"],
                               relu_layers(np.full((1, 3), 2.0), TWO_LAYERS), rtol=1e-5)
    assert got["[variables, submodules]"] == [4, 2]


def test_variables_made_on_first_call():
    got = computed_by_name(modules.variables_made_on_first_call)
    assert list(got["the variables before the first call"]) == []
    assert got["the variables after it"] == [["b:0", [3]], ["w:0", [4, 3]]]
    np.testing.assert_allclose(got["flexible(x)"],
                               relu_layers(np.full((1, 4), 2.0), [([1, 1], [4, 3])]), rtol=1e-5)


@pytest.mark.slow
def test_gradient_descent_reaches_least_squares():
    got = computed_by_name(modules.fit_with_gradient_descent)
    np.testing.assert_allclose(floats(got[W]), lstsq_oracle()[0], atol=1e-4)
    np.testing.assert_allclose(got["the last loss"], residual_oracle(), rtol=1e-4)


@pytest.mark.slow
def test_mini_batches_land_near_least_squares():
    got = computed_by_name(modules.training_in_mini_batches)
    assert got["an epoch's batch sizes"] == [32, 32, 32, 32, 32, 32, 9]  # 201 = 6·32 + 9
    # (1 - 0.01·0.75)^700 ≈ 0.005 of a start about 4 units off, plus SGD jitter: under 0.1
    np.testing.assert_allclose(floats(got["mini-batch weights"]), lstsq_oracle()[0],
                               atol=0.1)
    last_loss = got["the loss after 100 epochs"]
    assert residual_oracle() <= last_loss < 1.01 * residual_oracle()


@pytest.mark.slow
def test_checkpoints():
    got = computed_by_name(modules.save_and_reload)
    np.testing.assert_allclose(floats(got["restored weights"]), lstsq_oracle()[0], atol=1e-4)
    got = computed_by_name(modules.what_a_module_saves)
    # the intro_to_modules guide's printed list
    names = ["_CHECKPOINTABLE_OBJECT_GRAPH"] + [
        f"model/dense_{i}/{v}/.ATTRIBUTES/VARIABLE_VALUE" for i in (1, 2) for v in "bw"]
    suffix = "/.ATTRIBUTES/VARIABLE_VALUE"
    assert got["the listed names, less the suffix"] == [n.removesuffix(suffix) for n in names]
    assert got["which names end in the suffix"] == [False, True, True, True, True]
    assert got["the listed shapes"] == [[], [3], [3, 3], [2], [3, 2]]


def test_one_trace_per_input_shape():
    got = computed_by_name(modules.what_a_module_saves)
    assert got["the tracing count"] == 3  # 2 on the first call (it makes variables), 1 more
    row = relu_layers(np.full((1, 3), 2.0), TWO_LAYERS)
    np.testing.assert_allclose(got["my_model on (1, 3)"], row, rtol=1e-5)
    np.testing.assert_allclose(got["my_model on (1, 2, 3)"], np.stack([row, row], axis=1),
                               rtol=1e-5)


@pytest.mark.slow
def test_saved_models():
    got = computed_by_name(modules.save_and_reload)
    np.testing.assert_allclose(floats(got["reloaded weights"]), lstsq_oracle()[0], atol=1e-4)
    # |Δ(w_q x² + w_l x + b)| ≤ 1e-4·(9 + 3 + 1) at x = 3
    np.testing.assert_allclose(got["reloaded(probe)"], np.polyval(lstsq_oracle()[0], PROBE),
                               atol=2e-3)
    got = computed_by_name(modules.what_a_module_saves)
    assert got["isinstance(new_model, MySequentialModule)"] is False
    assert got["new_model on a shape never traced, (2, 3)"] is ValueError
    row = relu_layers(np.full((1, 3), 2.0), TWO_LAYERS)
    outputs = got["new_model on both shapes"]
    np.testing.assert_allclose(outputs[0], row, rtol=1e-5)
    np.testing.assert_allclose(outputs[1], np.stack([row, row], axis=1), rtol=1e-5)


def test_keras_layers():
    got = computed_by_name(modules.keras_tracks_add_weight_only)
    assert got["raw's trainable weights"] == 0
    assert got["quadratic's trainable weights' shapes"] == [(3,)]
    assert got["isinstance(raw, tf.Module)"] is False
    got = computed_by_name(modules.a_keras_layer_builds_once)
    assert got["[builds, weight shapes]"] == [1, [[3, 3], [3]]]
    # x = [[2, 2, 2]] and b = 0: each output is 2·(its column of w's sum), with w drawn here
    # by the initializer alone, as build draws it
    w = keras.initializers.RandomNormal(seed=0)(shape=(3, 3)).numpy()
    np.testing.assert_allclose(got["flexible_dense(x)"], 2 * w.sum(axis=0, keepdims=True),
                               rtol=1e-5)
    assert got["4 features into FlexibleDense built for 3"] is tf.errors.InvalidArgumentError
    assert got["4 features into keras.layers.Dense built for 3"] is ValueError


@pytest.mark.slow
def test_keras_fits():
    got = computed_by_name(modules.keras_tracks_add_weight_only)
    np.testing.assert_allclose(np.asarray(got["Keras fit's weights"]), lstsq_oracle()[0],
                               atol=1e-4)
    got = computed_by_name(modules.keras_model_of_the_guide)
    np.testing.assert_allclose(floats(got["Keras model weights"]), lstsq_oracle()[0],
                               atol=0.1)
    # Keras reports the mean batch loss over the last epoch: near, and above, the residual
    assert residual_oracle() <= got["the loss of epoch 100"] < 1.05 * residual_oracle()
    assert got["load_model of a Lambda without safe_mode=False"] is ValueError
    assert got["isinstance(loaded, keras.Sequential)"] is True
    x = np.linspace(-2.0, 2.0, 201)[::50]
    # coefficients within 0.1 move a prediction by at most 0.1·(4 + 2 + 1) on [-2, 2]
    np.testing.assert_allclose(got["loaded(x[::50])"], np.polyval(lstsq_oracle()[0], x), atol=0.7)


@pytest.mark.slow
def test_files_go_to_temporary_folders_and_are_removed(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for example in (modules.save_and_reload, modules.what_a_module_saves,
                    modules.keras_model_of_the_guide):
        assert all(check.passed for check in example())
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_the_figures_are_drawn(tmp_path):
    for example in modules.EXAMPLES:
        if "figures_dir" in example.__code__.co_varnames[:example.__code__.co_argcount]:
            path = example(figures_dir=tmp_path)
            assert path.parent == tmp_path and path.stat().st_size > 10_000, path
