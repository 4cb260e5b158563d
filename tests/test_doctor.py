"""explain_none: each cause of a None gradient, made for real, diagnosed correctly."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from tfbasics import explain_none


def none_gradient(tape, L, source):
    """Assert the tape really gives None (the premise of each case)."""
    assert tape.gradient(L, source) is None


# --- from a tape, after the fact -------------------------------------------------------------

def test_a_constant_the_tape_did_not_watch():
    c = tf.constant(2.0)
    with tf.GradientTape(persistent=True) as tape:
        L = c**2
    none_gradient(tape, L, c)
    reason = explain_none(tape, L, {"c": c})["c"]
    assert "tape.watch(c)" in reason and "not a tf.Variable" in reason


def test_a_variable_replaced_by_a_tensor():
    x = tf.Variable(1.0)
    x = x + 1  # now a Tensor
    with tf.GradientTape(persistent=True) as tape:
        L = x * 3
    none_gradient(tape, L, x)
    reason = explain_none(tape, L, {"x": x})["x"]
    assert "x = x + 1" in reason and "x.assign_add(1)" in reason


def test_a_non_trainable_variable():
    c = tf.Variable(2.0, trainable=False)
    with tf.GradientTape(persistent=True) as tape:
        L = c**2
    none_gradient(tape, L, c)
    assert "trainable=False" in explain_none(tape, L, {"c": c})["c"]


def test_a_source_not_used_by_the_target():
    w, alpha = tf.Variable(1.0), tf.Variable(0.0)
    with tf.GradientTape(persistent=True) as tape:
        L = w * 2
    none_gradient(tape, L, alpha)
    assert explain_none(tape, L, {"alpha": alpha})["alpha"].startswith(
        "the target does not use alpha")


def test_an_integer_source():
    n = tf.Variable(3)
    with tf.GradientTape(persistent=True) as tape:
        L = n * 2
    none_gradient(tape, L, n)
    assert explain_none(tape, L, {"n": n})["n"].startswith("n is int32")


def test_the_target_computed_outside_the_with_block():
    w = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape:
        pass
    L = w**2
    none_gradient(tape, L, w)
    assert "inside the `with tf.GradientTape() as tape:` block" in explain_none(tape, L, w)


def test_stop_recording():
    w = tf.Variable(1.0)
    with tf.GradientTape(persistent=True) as tape:
        with tape.stop_recording():
            L = w**2
    none_gradient(tape, L, w)
    assert "tape.stop_recording()" in explain_none(tape, L, w)


def test_a_list_of_sources_gives_a_list():
    w, c = tf.Variable(1.0), tf.constant(1.0)
    with tf.GradientTape(persistent=True) as tape:
        L = w * c
    reasons = explain_none(tape, L, [w, c])
    assert len(reasons) == 2 and "sources[1]" in reasons[1]


# --- from a function, traced into a graph --------------------------------------------------

def test_numpy_inside_the_computation():
    w = tf.Variable(2.0)
    f = lambda w: tf.constant(np.square(w.numpy()))  # noqa: E731
    with tf.GradientTape() as tape:
        L = f(w)
    none_gradient(tape, L, w)
    assert explain_none(f, w).startswith("the path left TensorFlow")


def test_an_assign_breaks_the_path():
    w, stored = tf.Variable(2.0), tf.Variable(0.0)

    def f(w):
        stored.assign(w * 2)
        return stored * 3.0

    with tf.GradientTape() as tape:
        L = f(w)
    none_gradient(tape, L, w)
    assert "stateful assign" in explain_none(f, w)


def test_stop_gradient():
    f = lambda w: tf.stop_gradient(w) * 2.0  # noqa: E731
    w = tf.Variable(1.0)
    with tf.GradientTape() as tape:
        L = f(w)
    none_gradient(tape, L, w)
    assert explain_none(f, w).startswith("tf.stop_gradient blocks every path from w")


def test_an_integer_cast_on_the_path():
    f = lambda w: tf.cast(tf.cast(w, tf.int32), tf.float32) * 2.0  # noqa: E731
    w = tf.Variable(1.7)
    with tf.GradientTape() as tape:
        L = f(w)
    none_gradient(tape, L, w)
    assert "goes through an integer" in explain_none(f, w)


def test_an_unconnected_argument_and_a_connected_one():
    f = lambda w, u: u * 2.0  # noqa: E731
    reasons = explain_none(f, tf.Variable(1.0), tf.Variable(1.0))
    assert reasons[0].startswith("f's result does not depend on w")
    assert reasons[1] is None


def test_function_form_knows_non_trainable_and_integer_variables():
    assert "trainable=False" in explain_none(lambda w: w * 2.0,
                                             tf.Variable(1.0, trainable=False))
    assert explain_none(lambda w: w * 2, tf.Variable(1)).startswith("w is int32")


def test_a_string_source():
    s = tf.constant("w")
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(s)
        L = tf.strings.length(s)
    assert explain_none(tape, L, {"s": s})["s"].startswith("s is string: TF gives no gradient")


# --- what changed: exact answers, plain numbers, Keras variables ---------------------------

def test_a_source_with_a_gradient_gets_none_from_a_persistent_tape():
    w, c = tf.Variable(2.0), tf.constant(3.0)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(c)  # watched, so c has a gradient too: dL/dc = w² = 4
        L = w**2 * c
    assert explain_none(tape, L, {"w": w, "c": c}) == {"w": None, "c": None}


def test_the_function_form_takes_plain_numbers_like_gradient():
    assert explain_none(lambda w: w**2, 1.0) is None
    assert explain_none(lambda w, u: w**2, 1.0, [2.0, 3.0])[1].startswith(
        "f's result does not depend on u")
    assert explain_none(lambda n: n * 2, 3).startswith("n is int32")


def test_no_registered_gradient_is_explained():
    # the guide's example: an image op TF registers no gradient for
    f = lambda image: tf.reduce_sum(tf.image.adjust_contrast(image, 2.0))  # noqa: E731
    image = tf.constant(np.linspace(0.0, 1.0, 12, dtype=np.float32).reshape(2, 2, 3))
    with tf.GradientTape() as tape:
        tape.watch(image)
        L = f(image)
    with pytest.raises(LookupError):
        tape.gradient(L, image)
    assert "no gradient registered" in explain_none(f, image)


def test_keras_variables_are_explained_like_tf_variables():
    keras.utils.set_random_seed(0)
    layer = keras.layers.Dense(2)
    x = tf.constant([[1.0, 2.0, 3.0]])
    layer(x)
    unused = keras.Variable(1.0, name="unused")
    f = lambda: tf.reduce_sum(layer(x))  # noqa: E731
    reasons = explain_none(f, [*layer.trainable_variables, unused])
    assert reasons[:2] == [None, None]
    assert reasons[2].startswith("f's result does not depend on unused")
    with tf.GradientTape(persistent=True) as tape:
        L = f()
    assert explain_none(tape, L, {"kernel": layer.kernel, "unused": unused}) == {
        "kernel": None, "unused": "the target does not use unused: the tape never saw unused "
                                  "read while it recorded"}


def test_a_fresh_non_persistent_tape_is_not_called_broken():
    # explain_none cannot ask a non-persistent tape without using it up: it says so, and the
    # tape still answers afterwards (d(2x)/dx = 2)
    x = tf.Variable(3.0)
    with tf.GradientTape() as tape:
        y = x * 2
    reason = explain_none(tape, y, {"x": x})["x"]
    assert "answers only once" in reason and "persistent=True" in reason
    assert float(tape.gradient(y, x)) == pytest.approx(2.0)


@pytest.mark.parametrize("op, name", [(tf.round, "tf.round"), (tf.floor, "tf.floor"),
                                      (tf.math.ceil, "tf.math.ceil")])
def test_a_step_function_on_the_path_is_named(op, name):
    # TF registers None as the gradient of Round, Floor and Ceil
    reason = explain_none(lambda w: op(w) * 2.0, 1.3)
    assert f"goes through {name}, whose gradient TF defines as None" in reason, reason
    assert f"w + tf.stop_gradient({name}(w) - w)" in reason
