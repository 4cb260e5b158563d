"""Modules, training and export

A `tf.Module` groups variables and the code that uses them; a few lines of `GradientTape`
turn it into a training loop. Here you fit a quadratic to noisy data twice, by hand and with
Keras, check both against the exact least-squares answer, then save and reload the model.

Guides: https://www.tensorflow.org/guide/basics and
https://www.tensorflow.org/guide/intro_to_modules
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close
from tfbasics.plots import plot_fit, plot_series


class SimpleModule(tf.Module):
    """y = a·x + b with one trainable and one frozen variable."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.a_variable = tf.Variable(5.0, name="train_me")
        self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")

    def __call__(self, x):
        return self.a_variable * x + self.non_trainable_variable


def a_module_with_variables() -> list[Check]:
    """A module finds its variables for you; `trainable_variables` skips the frozen one."""
    simple_module = SimpleModule(name="simple")
    return [
        check_close("simple_module(5.0) = 5·5 + 5", simple_module(tf.constant(5.0)), 5 * 5 + 5.0),
        check_close("trainable variables", [v.name for v in simple_module.trainable_variables],
                    ["train_me:0"]),
        check_close("all variables", sorted(v.name for v in simple_module.variables),
                    ["do_not_train_me:0", "train_me:0"]),
    ]


class Dense(tf.Module):
    """A dense layer: relu(x @ w + b), with seeded weights."""

    def __init__(self, in_features, out_features, seed, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.random.stateless_normal([in_features, out_features], seed=seed),
                             name="w")
        self.b = tf.Variable(tf.zeros([out_features]), name="b")

    def __call__(self, x):
        return tf.nn.relu(x @ self.w + self.b)


class SequentialModule(tf.Module):
    """Two dense layers, one after the other: modules inside a module."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(in_features=3, out_features=3, seed=[1, 1])
        self.dense_2 = Dense(in_features=3, out_features=2, seed=[2, 2])

    def __call__(self, x):
        return self.dense_2(self.dense_1(x))


def modules_inside_modules() -> list[Check]:
    """A module collects the variables of the modules it holds, all the way down."""
    my_model = SequentialModule(name="the_model")
    x = np.array([[2.0, 2.0, 2.0]], dtype=np.float32)
    d1, d2 = my_model.dense_1, my_model.dense_2
    hidden = np.maximum(x @ d1.w.numpy() + d1.b.numpy(), 0)  # the same layers in NumPy
    return [
        check_close("the model's output is relu(relu(x W1 + b1) W2 + b2)", my_model(x),
                    np.maximum(hidden @ d2.w.numpy() + d2.b.numpy(), 0)),
        check_close("it found 4 variables in its 2 submodules",
                    [len(my_model.trainable_variables), len(my_model.submodules)], [4, 2]),
    ]


def quadratic_data() -> tuple[tf.Tensor, tf.Tensor]:
    """Return 201 points of y = x² + 2x - 5 plus seeded unit noise on [-2, 2]."""
    x = tf.linspace(-2.0, 2.0, 201)
    y = x**2 + 2 * x - 5 + tf.random.stateless_normal([201], seed=[42, 0])
    return x, y


def least_squares(x: tf.Tensor, y: tf.Tensor) -> np.ndarray:
    """Return the exact least-squares [w_q, w_l, b], from NumPy in float64."""
    x64, y64 = x.numpy().astype(np.float64), y.numpy().astype(np.float64)
    return np.linalg.lstsq(np.stack([x64**2, x64, np.ones_like(x64)], 1), y64, rcond=None)[0]


class Model(tf.Module):
    """y = w_q·x² + w_l·x + b, starting from zero."""

    def __init__(self):
        super().__init__()
        self.w_q = tf.Variable(0.0)
        self.w_l = tf.Variable(0.0)
        self.b = tf.Variable(0.0)

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def __call__(self, x):
        return self.w_q * x**2 + self.w_l * x + self.b


def train(model: Model, x: tf.Tensor, y: tf.Tensor, lr: float = 0.1,
          num_steps: int = 300) -> list[float]:
    """Fit the model by gradient descent on the mean squared error; return the losses."""
    @tf.function
    def step():
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((y - model(x)) ** 2)
        dL_dw = tape.gradient(L, model.trainable_variables)
        for w, g in zip(model.trainable_variables, dL_dw, strict=True):
            w.assign_sub(lr * g)  # one step downhill
        return L

    return [float(step()) for _ in range(num_steps)]


FIT_TOLERANCE = 1e-4  # absolute, on each coefficient, after 300 steps


@functools.cache
def trained_model() -> tuple[Model, list[float]]:
    """Return a Model trained on quadratic_data() by `train`, and its losses (made once)."""
    model = Model()
    losses = train(model, *quadratic_data())
    return model, losses


def fit_with_gradient_descent() -> list[Check]:
    """300 steps of gradient descent reach the least-squares fit that NumPy solves exactly."""
    x, y = quadratic_data()
    model = Model()
    losses = train(model, x, y, lr=0.1, num_steps=300)
    exact = least_squares(x, y)
    residual = np.mean((y.numpy() - np.polyval(exact, x.numpy())) ** 2)
    return [
        check_close("[w_q, w_l, b] after 300 steps vs np.linalg.lstsq",
                    [model.w_q, model.w_l, model.b], list(exact), atol=FIT_TOLERANCE, rtol=0),
        check_close("the final loss is the least-squares residual", losses[-1], residual,
                    rtol=1e-4),
    ]


class RawVariableLayer(keras.layers.Layer):
    """A Keras layer that keeps a raw tf.Variable, as the guide text does."""

    def __init__(self):
        super().__init__()
        self.w = tf.Variable([0.0, 0.0, 0.0])

    def call(self, x):
        return self.w[0] * x**2 + self.w[1] * x + self.w[2]


class Quadratic(keras.layers.Layer):
    """The same layer with `add_weight`, which Keras 3 tracks and trains."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(3,), initializer="zeros", name="w")

    def call(self, x):
        return self.w[0] * x**2 + self.w[1] * x + self.w[2]


def keras_tracks_add_weight_only() -> list[Check]:
    """Keras 3 differs from the guide: a raw tf.Variable in a Layer is not tracked."""
    raw, quadratic = RawVariableLayer(), Quadratic()
    raw(tf.constant([1.0]))
    quadratic(tf.constant([1.0]))
    return [
        check_close("a raw tf.Variable attribute: no trainable weights",
                    len(raw.trainable_weights), 0, note="so fit() would never train it"),
        check_close("add_weight: one weight of shape (3,)",
                    [w.shape for w in quadratic.trainable_weights], [(3,)]),
        check_close("and a Keras 3 Layer is not a tf.Module", isinstance(raw, tf.Module), False),
    ]


def fit_with_keras() -> list[Check]:
    """The same fit with `compile` and `fit`: SGD on the MSE reaches the same coefficients."""
    keras.utils.set_random_seed(0)
    x, y = quadratic_data()
    model = keras.Sequential([keras.Input(shape=()), Quadratic()])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse",
                  steps_per_execution=50)
    batches = tf.data.Dataset.from_tensors((x, y)).repeat(300)  # 300 full-batch steps
    history = model.fit(batches, epochs=1, verbose=0, shuffle=False)
    return [check_close("Keras [w_q, w_l, b] vs np.linalg.lstsq", model.layers[0].w,
                        least_squares(x, y), atol=FIT_TOLERANCE, rtol=0,
                        note="Keras reports the mean loss over the epoch: "
                             f"{history.history['loss'][-1]:.4f}")]


def save_and_reload() -> list[Check]:
    """`tf.saved_model.save` writes the graph and variables; the reload gives equal outputs."""
    model, _ = trained_model()
    with tempfile.TemporaryDirectory() as folder:  # never inside the repository
        tf.saved_model.save(model, os.path.join(folder, "quadratic"))
        reloaded = tf.saved_model.load(os.path.join(folder, "quadratic"))
        probe = tf.constant([-1.0, 0.0, 0.5, 3.0])
        return [check_close("the reloaded model's outputs equal the original's",
                            reloaded(probe), model(probe), rtol=0, atol=0)]


def checkpoint_round_trip() -> list[Check]:
    """A checkpoint saves variable values only; restoring puts them back exactly."""
    trained, _ = trained_model()
    fresh = Model()  # all zeros
    with tempfile.TemporaryDirectory() as folder:
        path = tf.train.Checkpoint(model=trained).write(os.path.join(folder, "ckpt"))
        tf.train.Checkpoint(model=fresh).read(path).assert_consumed()
    return [check_close("restored [w_q, w_l, b] equal the trained ones",
                        [fresh.w_q, fresh.w_l, fresh.b], [trained.w_q, trained.w_l, trained.b],
                        rtol=0, atol=0)]


def plot_the_fit(figures_dir: Path) -> Path:
    """Draw the data, the trained curve and the least-squares curve (they coincide)."""
    x, y = quadratic_data()
    model, _ = trained_model()
    return plot_fit(x.numpy(), y.numpy(),
                    {"gradient descent (300 steps)": model(x).numpy(),
                     "np.linalg.lstsq": np.polyval(least_squares(x, y), x.numpy())},
                    path=Path(figures_dir) / "modules_fit.png",
                    title="Fitting y = w_q·x² + w_l·x + b to noisy data")


def plot_the_loss(figures_dir: Path) -> Path:
    """Draw the mean squared error at each step of gradient descent."""
    _, losses = trained_model()
    return plot_series(losses, path=Path(figures_dir) / "modules_loss.png",
                       title="Loss per step of gradient descent (lr = 0.1)",
                       ylabel="mean squared error")


EXAMPLES = [
    a_module_with_variables,
    modules_inside_modules,
    fit_with_gradient_descent,
    keras_tracks_add_weight_only,
    fit_with_keras,
    save_and_reload,
    checkpoint_round_trip,
    plot_the_fit,
    plot_the_loss,
]
