"""Modules, training and export

A `tf.Module` groups variables and the code that uses them: it finds the variables of the
modules inside it, and it is what a checkpoint or a SavedModel writes to disk. A few lines of
`tf.GradientTape` and `assign_sub` turn a module into a training loop.

Here you fit the basics guide's quadratic to noisy data three ways: full-batch gradient
descent, the guide's mini-batch loop over a `tf.data` pipeline, and Keras's `fit`. Each is
checked against the exact least-squares answer NumPy solves. Then you save and reload modules
and Keras models, and look at what Keras 3 does differently from the guides' text.

Guides: https://www.tensorflow.org/guide/basics and
https://www.tensorflow.org/guide/intro_to_modules
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from tfbasics.checks import Check, check_close, check_raises
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
    """Subclass `tf.Module`, set variables as attributes, and the module finds them for you.

    `variables` lists every `tf.Variable` the module holds; `trainable_variables` leaves out
    the one made with `trainable=False`, so an optimizer never moves it. Calling the module
    runs its `__call__`: 5·x + 5, which is 30 at x = 5.
    """
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
    """A module collects the variables of the modules it holds, all the way down.

    The model holds two `Dense` modules as attributes, so its `trainable_variables` has
    their four variables and `submodules` lists the two layers. Its output is the two layers
    applied in turn, which NumPy recomputes from the same weights.
    """
    my_model = SequentialModule(name="the_model")
    x = np.array([[2.0, 2.0, 2.0]], dtype=np.float32)
    d1, d2 = my_model.dense_1, my_model.dense_2
    hidden = np.maximum(x @ d1.w.numpy() + d1.b.numpy(), 0)  # relu(x W1 + b1) in NumPy
    return [
        check_close("the model's output is relu(relu(x W1 + b1) W2 + b2)", my_model(x),
                    np.maximum(hidden @ d2.w.numpy() + d2.b.numpy(), 0)),
        check_close("it found 4 variables in its 2 submodules",
                    [len(my_model.trainable_variables), len(my_model.submodules)], [4, 2]),
    ]


class FlexibleDenseModule(tf.Module):
    """A dense layer that makes its variables on the first call, sized by the input."""

    def __init__(self, out_features, seed, name=None):
        super().__init__(name=name)
        self.is_built = False
        self.out_features = out_features
        self.seed = seed

    def __call__(self, x):
        if not self.is_built:  # create the variables on the first call
            self.w = tf.Variable(tf.random.stateless_normal([x.shape[-1], self.out_features],
                                                            seed=self.seed), name="w")
            self.b = tf.Variable(tf.zeros([self.out_features]), name="b")
            self.is_built = True
        return tf.nn.relu(x @ self.w + self.b)


def variables_made_on_first_call() -> list[Check]:
    """A module need not know its input size up front: it can make its variables when called.

    `FlexibleDenseModule` takes only the number of outputs. Before its first call it holds no
    variables at all; the call sees x's last axis (4 here) and makes w with shape (4, 3) and b
    with shape (3,). Later calls reuse them.
    """
    flexible = FlexibleDenseModule(out_features=3, seed=[1, 1])
    before = list(flexible.variables)  # nothing yet
    x = tf.constant([[2.0, 2.0, 2.0, 2.0]])
    y = flexible(x)  # the first call makes w: (4, 3) and b: (3,)
    return [
        check_close("no variables before the first call", before, []),
        check_close("after it: w (4, 3) and b (3,), sized by x",
                    [[v.name, v.shape.as_list()] for v in flexible.variables],
                    [["b:0", [3]], ["w:0", [4, 3]]]),
        check_close("the output is relu(x w + b)", y,
                    np.maximum(x.numpy() @ flexible.w.numpy() + flexible.b.numpy(), 0)),
    ]


def quadratic_data() -> tuple[tf.Tensor, tf.Tensor]:
    """Return the basics guide's data: 201 points of y = x² + 2x - 5 plus seeded unit noise."""
    x = tf.cast(tf.linspace(-2, 2, 201), tf.float32)  # linspace of ints gives float64
    y = x**2 + 2 * x - 5 + tf.random.stateless_normal([201], seed=[42, 0])
    return x, y


def least_squares(x: tf.Tensor, y: tf.Tensor) -> np.ndarray:
    """Return the exact least-squares [w_q, w_l, b], from NumPy in float64."""
    x64, y64 = x.numpy().astype(np.float64), y.numpy().astype(np.float64)
    return np.linalg.lstsq(np.stack([x64**2, x64, np.ones_like(x64)], 1), y64, rcond=None)[0]


class Model(tf.Module):
    """The basics guide's model y = w_q·x² + w_l·x + b, from three draws in [0, 5).

    The guide draws them with `tf.random.uniform(seed=22)`, which gives new numbers each time
    you make a Model in one process; the stateless draw gives the same three every time. The
    input_signature makes one graph serve every length of x.
    """

    def __init__(self):
        super().__init__()
        rand_init = tf.random.stateless_uniform([3], seed=[22, 0], minval=0.0, maxval=5.0)
        self.w_q = tf.Variable(rand_init[0], name="w_q")
        self.w_l = tf.Variable(rand_init[1], name="w_l")
        self.b = tf.Variable(rand_init[2], name="b")

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def __call__(self, x):
        return self.w_q * x**2 + self.w_l * x + self.b


FIT_TOLERANCE = 1e-4  # absolute, on each coefficient, after 300 full-batch steps


def fit_with_gradient_descent() -> list[Check]:
    """Train the model: record the loss on a tape, step each variable downhill, repeat.

    Each step computes the mean squared error over all 201 points, asks the tape for its
    gradient and moves each variable by -lr·gradient with `assign_sub`. The step is a
    `tf.function`, so 300 steps take a fraction of a second. The loss is a quadratic bowl, so
    gradient descent reaches the least-squares answer that `np.linalg.lstsq` solves exactly,
    and the final loss is the least-squares residual.
    """
    x, y = quadratic_data()
    model = Model()
    lr, num_steps = 0.1, 300

    @tf.function
    def full_batch_step():
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((y - model(x)) ** 2)  # mean squared error
        dL_dw = tape.gradient(L, model.trainable_variables)  # e.g. dL/db = -2·mean(y - ŷ)
        for w, g in zip(model.trainable_variables, dL_dw, strict=True):
            w.assign_sub(lr * g)  # w ← w - lr·dL/dw
        return L

    losses = [float(full_batch_step()) for _ in range(num_steps)]
    exact = least_squares(x, y)  # solves min ‖Xw - y‖² with X = [x², x, 1]
    residual = np.mean((y.numpy() - np.polyval(exact, x.numpy())) ** 2)
    return [
        check_close("[w_q, w_l, b] after 300 steps vs np.linalg.lstsq",
                    [model.w_q, model.w_l, model.b], list(exact), atol=FIT_TOLERANCE, rtol=0),
        check_close("the last loss is the least-squares residual", losses[-1], residual,
                    rtol=1e-4),
    ]


@functools.cache
def trained_model() -> tuple[Model, list[float]]:
    """Return a Model fitted as `fit_with_gradient_descent` fits it, and its losses (made once)."""
    x, y = quadratic_data()
    model = Model()

    @tf.function
    def full_batch_step():
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((y - model(x)) ** 2)
        for w, g in zip(model.trainable_variables,
                        tape.gradient(L, model.trainable_variables), strict=True):
            w.assign_sub(0.1 * g)
        return L

    return model, [float(full_batch_step()) for _ in range(300)]


def plot_the_fit(figures_dir: Path) -> Path:
    """Draw the data, the curve gradient descent found, and the least-squares curve.

    The two curves coincide: 300 full-batch steps reach the exact answer to about 1e-4.
    """
    x, y = quadratic_data()
    model, _ = trained_model()
    return plot_fit(x.numpy(), y.numpy(),
                    {"gradient descent (300 steps)": model(x).numpy(),
                     "np.linalg.lstsq": np.polyval(least_squares(x, y), x.numpy())},
                    path=Path(figures_dir) / "modules_fit.png",
                    title="Fitting y = w_q·x² + w_l·x + b to noisy data")


def plot_the_loss(figures_dir: Path) -> Path:
    """Draw the mean squared error at each step of full-batch gradient descent.

    It drops from over 100 at the seeded start to the least-squares residual, about 0.96,
    within 50 steps, and stays there: that is the noise, which no quadratic removes.
    """
    _, losses = trained_model()
    return plot_series(losses, path=Path(figures_dir) / "modules_loss.png",
                       title="Loss per step of gradient descent (lr = 0.1)",
                       ylabel="mean squared error")


# After 100 epochs of 7 steps at lr = 0.01 the slowest direction of the loss (the smallest
# eigenvalue of its Hessian 2·XᵀX/201, 0.75) has shrunk by (1 - 0.01·0.75)^700 ≈ 0.005 of
# its start (about 4 units off), and mini-batch noise jitters each weight by a few
# hundredths: 0.1 covers both.
MINI_BATCH_TOLERANCE = 0.1


def training_in_mini_batches() -> list[Check]:
    """The basics guide's loop: shuffle the data, split it into batches of 32, step per batch.

    `tf.data` makes the pipeline; each pass over it (an epoch) deals the 201 points in a new
    order, as 6 batches of 32 and one of 9. The step is the tape and `assign_sub` again, one
    batch at a time, with the guide's learning rate 0.01 for its 100 epochs. Small noisy steps
    land near the least-squares answer rather than on it: within 0.1, and the loss within 1%
    of the residual. The guide draws the start with `tf.random.uniform(seed=22)`, which gives
    new numbers at each call; `Model` uses `tf.random.stateless_uniform` and
    `tf.random.set_seed` fixes the shuffle's order, so a rerun gives the same numbers.
    """
    tf.random.set_seed(22)  # the shuffle's order depends on the global seed and its own
    x, y = quadratic_data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    dataset = dataset.shuffle(buffer_size=1000, seed=22).batch(32)
    options = tf.data.Options()
    options.autotune.enabled = False  # for 7 tiny batches, tuning costs more than it saves
    dataset = dataset.with_options(options)
    quad_model = Model()
    epochs, learning_rate = 100, 0.01

    @tf.function  # one graph per batch shape: 32, and 9 for the last batch
    def train_step(x_batch, y_batch):
        with tf.GradientTape() as tape:
            batch_loss = tf.reduce_mean((quad_model(x_batch) - y_batch) ** 2)
        grads = tape.gradient(batch_loss, quad_model.variables)
        for g, v in zip(grads, quad_model.variables, strict=True):
            v.assign_sub(learning_rate * g)

    losses = []
    for _ in range(epochs):
        for x_batch, y_batch in dataset:
            train_step(x_batch, y_batch)
        losses.append(float(tf.reduce_mean((quad_model(x) - y) ** 2)))  # the loss per epoch
    exact = least_squares(x, y)
    residual = np.mean((y.numpy() - np.polyval(exact, x.numpy())) ** 2)
    draws = [tf.random.uniform([3], seed=22) for _ in range(2)]  # the guide's stateful draw
    starts = [[v.numpy() for v in Model().variables] for _ in range(2)]  # stateless draws
    return [
        check_close("tf.random.uniform(seed=22) twice differs; two Model()s start alike",
                    [bool(np.array_equal(*draws)), bool(np.array_equal(*starts))],
                    [False, True]),
        check_close("one epoch: batches of 32, 32, 32, 32, 32, 32 and 9 (201 points)",
                    [int(x_batch.shape[0]) for x_batch, _ in dataset], [32] * 6 + [201 - 6 * 32]),
        check_close("the loss per epoch fell tenfold from epoch 1 to 100",
                    losses[-1] < losses[0] / 10, True,
                    note=f"{losses[0]:.3f} after epoch 1, {losses[-1]:.4f} after epoch 100"),
        check_close("[w_q, w_l, b] after 100 epochs vs np.linalg.lstsq",
                    [quad_model.w_q, quad_model.w_l, quad_model.b], list(exact),
                    atol=MINI_BATCH_TOLERANCE, rtol=0),
        check_close("the loss after 100 epochs is within 1% of the residual", losses[-1],
                    residual, rtol=0.01),
    ]


def quadratic_batches() -> tf.data.Dataset:
    """Return the guide's pipeline as `training_in_mini_batches` builds it: the 201 points,
    shuffled anew each epoch, in batches of 32. Set the global seed first."""
    x, y = quadratic_data()
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    dataset = dataset.shuffle(buffer_size=1000, seed=22).batch(32)
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


@functools.cache
def mini_batch_fit() -> tuple[np.ndarray, Model, list[float]]:
    """Return (predictions before training, the Model, its loss per epoch), trained once as
    `training_in_mini_batches` trains it."""
    tf.random.set_seed(22)
    x, y = quadratic_data()
    quad_model = Model()
    untrained = quad_model(x).numpy()

    @tf.function
    def train_step(x_batch, y_batch):
        with tf.GradientTape() as tape:
            batch_loss = tf.reduce_mean((quad_model(x_batch) - y_batch) ** 2)
        for g, v in zip(tape.gradient(batch_loss, quad_model.variables), quad_model.variables,
                        strict=True):
            v.assign_sub(0.01 * g)

    losses = []
    dataset = quadratic_batches()
    for _ in range(100):
        for x_batch, y_batch in dataset:
            train_step(x_batch, y_batch)
        losses.append(float(tf.reduce_mean((quad_model(x) - y) ** 2)))
    return untrained, quad_model, losses


def plot_before_and_after_training(figures_dir: Path) -> Path:
    """The guide's two pictures in one: the model before training, and after 100 epochs.

    The untrained curve comes from the seeded random start and misses the data entirely; the
    trained one lies on the curve the data came from, y = x² + 2x - 5.
    """
    x, y = quadratic_data()
    untrained, quad_model, _ = mini_batch_fit()
    return plot_fit(x.numpy(), y.numpy(),
                    {"before training": untrained,
                     "after 100 epochs": quad_model(x).numpy(),
                     "y = x² + 2x - 5 (no noise)": x.numpy() ** 2 + 2 * x.numpy() - 5},
                    path=Path(figures_dir) / "modules_mini_batch_fit.png",
                    title="The basics guide's model, before and after training")


def plot_the_loss_per_epoch(figures_dir: Path) -> Path:
    """The guide's loss curve: the mean squared error on all 201 points after each epoch.

    It falls steeply over the first 40 epochs, then flattens just above the least-squares
    residual, about 0.96.
    """
    _, _, losses = mini_batch_fit()
    return plot_series(losses, path=Path(figures_dir) / "modules_mini_batch_loss.png",
                       title="MSE loss per epoch (batches of 32, lr = 0.01)", xlabel="epoch",
                       ylabel="mean squared error")


def checkpoint_round_trip() -> list[Check]:
    """A checkpoint saves the values of a module's variables, and restoring puts them back.

    `tf.train.Checkpoint(model=...)` names each variable by its path of attributes. A fresh
    `Model` starts from the seeded draw; restoring the trained model's checkpoint into it
    gives it the trained values exactly, and `assert_consumed` confirms every saved value
    found a variable. It writes to a temporary folder, never into your project.
    """
    trained, _ = trained_model()
    fresh = Model()  # the seeded start, far from the fit
    with tempfile.TemporaryDirectory() as folder:
        path = tf.train.Checkpoint(model=trained).write(os.path.join(folder, "ckpt"))
        tf.train.Checkpoint(model=fresh).read(path).assert_consumed()
    return [check_close("restored [w_q, w_l, b] equal the trained ones",
                        [fresh.w_q, fresh.w_l, fresh.b],
                        [trained.w_q.numpy(), trained.w_l.numpy(), trained.b.numpy()],
                        rtol=0, atol=0)]


class MySequentialModule(tf.Module):
    """Two flexible dense layers, with `__call__` a `tf.function`: one graph per input shape."""

    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = FlexibleDenseModule(out_features=3, seed=[1, 1])
        self.dense_2 = FlexibleDenseModule(out_features=2, seed=[2, 2])

    @tf.function
    def __call__(self, x):
        return self.dense_2(self.dense_1(x))


def looking_inside_a_checkpoint() -> list[Check]:
    """`tf.train.list_variables` shows what a checkpoint holds: a name and a shape per value.

    Each name is the path of attributes from the object you saved to the variable, so
    `model/dense_1/w` is `my_model.dense_1.w`; restoring matches values to variables by these
    paths, not by the variables' own names. The list is the guide's, and the shapes are the
    module's own.
    """
    my_model = MySequentialModule(name="the_model")
    my_model(tf.constant([[2.0, 2.0, 2.0]]))  # the first call makes the variables
    with tempfile.TemporaryDirectory() as folder:
        checkpoint = tf.train.Checkpoint(model=my_model)
        listed = tf.train.list_variables(checkpoint.write(os.path.join(folder, "my_checkpoint")))
    d1, d2 = my_model.dense_1, my_model.dense_2
    return [
        check_close("the guide's names and shapes",
                    [[name, shape] for name, shape in listed],
                    [["_CHECKPOINTABLE_OBJECT_GRAPH", []],
                     ["model/dense_1/b/.ATTRIBUTES/VARIABLE_VALUE", [3]],
                     ["model/dense_1/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 3]],
                     ["model/dense_2/b/.ATTRIBUTES/VARIABLE_VALUE", [2]],
                     ["model/dense_2/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 2]]]),
        check_close("the shapes are my_model's variables' shapes",
                    [shape for _, shape in listed[1:]],
                    [v.shape.as_list() for v in (d1.b, d1.w, d2.b, d2.w)]),
    ]


def one_trace_per_input_shape() -> list[Check]:
    """A `tf.function` `__call__` builds a graph for each new input shape it sees.

    The first call, shape (1, 3), traces twice: once to make the variables, once more to run
    without making them. A (1, 2, 3) input is a new shape, so one more trace; (1, 3) again
    reuses its graph. The outputs are the two layers applied in turn, as NumPy computes them.
    """
    my_model = MySequentialModule(name="the_model")
    traces = []
    y1 = my_model(tf.constant([[2.0, 2.0, 2.0]]))  # shape (1, 3)
    traces.append(my_model.__call__.experimental_get_tracing_count())
    y2 = my_model(tf.constant([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]]))  # shape (1, 2, 3)
    traces.append(my_model.__call__.experimental_get_tracing_count())
    my_model(tf.constant([[1.0, 2.0, 3.0]]))  # shape (1, 3) again
    traces.append(my_model.__call__.experimental_get_tracing_count())
    d1, d2 = my_model.dense_1, my_model.dense_2
    hidden = np.maximum(np.full((1, 3), 2.0) @ d1.w.numpy() + d1.b.numpy(), 0)
    y_np = np.maximum(hidden @ d2.w.numpy() + d2.b.numpy(), 0)  # relu(relu(x W1 + b1) W2 + b2)
    return [
        check_close("traces after (1, 3), then (1, 2, 3), then (1, 3) again", traces,
                    [2, 3, 3]),
        check_close("my_model([[2, 2, 2]])", y1, y_np),
        check_close("my_model([[[2, 2, 2], [2, 2, 2]]]): the same row twice", y2,
                    np.stack([y_np, y_np], axis=1)),
    ]


def save_and_reload() -> list[Check]:
    """`tf.saved_model.save` writes the variables and the traced graphs; `load` reads them back.

    The reloaded object needs no Python class: it runs the saved graph of `__call__`, whose
    input_signature, [None] floats, takes any length of x. Its variables hold the trained
    values, and its outputs are w_q·x² + w_l·x + b with them.
    """
    model, _ = trained_model()
    probe = tf.constant([-1.0, 0.0, 0.5, 3.0])  # a length the model never saw
    with tempfile.TemporaryDirectory() as folder:  # never inside the repository
        tf.saved_model.save(model, os.path.join(folder, "quadratic"))
        reloaded = tf.saved_model.load(os.path.join(folder, "quadratic"))
        outputs = reloaded(probe)
    w = [model.w_q.numpy(), model.w_l.numpy(), model.b.numpy()]
    return [
        check_close("the reloaded variables equal the trained ones",
                    [reloaded.w_q, reloaded.w_l, reloaded.b], w, rtol=0, atol=0),
        check_close("the reloaded outputs are w_q·x² + w_l·x + b", outputs,
                    np.polyval(w, probe.numpy())),
    ]


def a_loaded_model_is_not_its_class() -> list[Check]:
    """A reloaded SavedModel is a new object without your class, and only the traced graphs.

    `isinstance(new_model, MySequentialModule)` is False: the SavedModel holds no Python code,
    so `load` builds a generic object. It still computes what the original computed on both
    traced shapes. A shape never traced, such as (2, 3), has no graph to run, so the call
    raises `ValueError` where the original would trace a new one.
    """
    my_model = MySequentialModule(name="the_model")
    x1 = tf.constant([[2.0, 2.0, 2.0]])
    x2 = tf.constant([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]])
    my_model(x1)  # trace the two shapes the SavedModel will keep
    my_model(x2)
    with tempfile.TemporaryDirectory() as folder:
        tf.saved_model.save(my_model, os.path.join(folder, "the_saved_model"))
        new_model = tf.saved_model.load(os.path.join(folder, "the_saved_model"))
        outputs = [new_model(x1), new_model(x2)]
        untraced = check_raises("a shape never traced, (2, 3): ValueError",
                                lambda: new_model(tf.constant([[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]])),
                                ValueError, note="no saved graph takes shape (2, 3)")
    d1, d2 = my_model.dense_1, my_model.dense_2
    hidden = np.maximum(x1.numpy() @ d1.w.numpy() + d1.b.numpy(), 0)
    y_np = np.maximum(hidden @ d2.w.numpy() + d2.b.numpy(), 0)  # relu(relu(x W1 + b1) W2 + b2)
    return [
        check_close("isinstance(new_model, MySequentialModule), and of tf.Module",
                    [isinstance(new_model, MySequentialModule), isinstance(new_model, tf.Module)],
                    [False, False]),
        check_close("new_model on (1, 3) and (1, 2, 3) computes the original's outputs",
                    outputs, [y_np, np.stack([y_np, y_np], axis=1)]),
        untraced,
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
    """Keras 3 differs from the guide: a raw `tf.Variable` set on a Layer is not tracked.

    The guide's `MyDense` sets `tf.Variable`s as attributes and Keras 2 found them; a Keras 3
    layer tracks Keras's own variables (those `add_weight` makes, or a `keras.Variable`
    attribute) and not a raw `tf.Variable`, so `fit` would never train one. A Keras 3 Layer
    is not a `tf.Module` either.
    """
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


class FlexibleDense(keras.layers.Layer):
    """The guide's FlexibleDense: `build` makes the weights, sized by the first input."""

    def __init__(self, out_features, **kwargs):
        super().__init__(**kwargs)
        self.out_features = out_features
        self.builds = 0  # how many times build() ran

    def build(self, input_shape):
        self.builds += 1
        self.w = self.add_weight(shape=(input_shape[-1], self.out_features), name="w",
                                 initializer=keras.initializers.RandomNormal(seed=0))
        self.b = self.add_weight(shape=(self.out_features,), initializer="zeros", name="b")

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


def a_keras_layer_builds_once() -> list[Check]:
    """A Keras layer makes its weights in `build`, which runs once, on the first call.

    Keras passes `build` the first input's shape, so w gets shape (3, 3) from 3 features; a
    later call reuses the weights. The guide's `build` makes `tf.Variable`s, which Keras 3
    would not track, so this one uses `add_weight`. An input of 4 features then fails in the
    matrix product with `tf.errors.InvalidArgumentError`, as the guide says (Keras 3 wraps the
    message in one naming the layer's call). `keras.layers.Dense` checks the shape itself first and
    raises `ValueError`.
    """
    flexible_dense = FlexibleDense(out_features=3)
    before = [len(flexible_dense.weights), flexible_dense.builds]
    x = tf.constant([[2.0, 2.0, 2.0], [3.0, 3.0, 3.0]])
    y = flexible_dense(x)  # build((2, 3)) makes w: (3, 3) and b: (3,), then call runs
    flexible_dense(tf.constant([[1.0, 1.0, 1.0]]))  # built: build does not run again
    dense = keras.layers.Dense(3, name="dense")  # named, or each run numbers it anew
    dense(x)
    four = tf.constant([[2.0, 2.0, 2.0, 2.0]])
    return [
        check_close("before the first call: no weights, build not run", before, [0, 0]),
        check_close("after two calls: build ran once; w (3, 3), b (3,)",
                    [flexible_dense.builds, [list(w.shape) for w in flexible_dense.weights]],
                    [1, [[3, 3], [3]]]),
        check_close("the output is x·w + b", y,
                    x.numpy() @ flexible_dense.w.numpy() + flexible_dense.b.numpy()),
        check_raises("4 features into FlexibleDense built for 3", lambda: flexible_dense(four),
                     tf.errors.InvalidArgumentError,
                     note="w was made (3, 3) on the first call and stays so"),
        check_raises("4 features into keras.layers.Dense built for 3", lambda: dense(four),
                     ValueError, note="build() ran once, for 3 features"),
    ]


def fit_with_keras() -> list[Check]:
    """The same fit with `compile` and `fit`: SGD on the MSE reaches the same coefficients.

    `Quadratic` holds its three coefficients in one `add_weight`, so `fit` trains them. The
    data goes in as one batch of all 201 points, 300 times, with lr = 0.1: the same full-batch
    gradient descent as before, so Keras reaches the least-squares answer to 1e-4 too.
    """
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


def keras_model_of_the_guide() -> list[Check]:
    """The basics guide's Keras model: a `Lambda` makes the features [x, x²], a `Dense` fits.

    `fit` runs 100 epochs at lr = 0.01 over the pipeline your loop used, and lands near least
    squares as your loop did. The guide's `fit(x, y, batch_size=32)` works too, but builds a
    new pipeline each epoch and runs several times slower. Keras 3 differs from the guide
    three times: `keras.losses` has no `MSE` alias (use `mean_squared_error`; the guide's
    `tf.keras.losses.MSE` still works, as tf.keras keeps the old names); `load_model`
    refuses a `Lambda` unless you pass `safe_mode=False` for a file you trust; and the
    reloaded lambda sees none of your module's names, so it is written with operators, not
    `tf.stack`. Unlike a SavedModel, a `.keras` file rebuilds the Keras classes.
    """
    keras.utils.set_random_seed(22)  # seeds the shuffle, as tf.random.set_seed does
    x, y = quadratic_data()
    new_model = keras.Sequential([
        keras.layers.Lambda(lambda x: x[:, None] ** [1.0, 2.0]),  # [x, x²] for each x
        keras.layers.Dense(units=1, kernel_initializer=keras.initializers.RandomNormal(
            stddev=1.0, seed=22))])  # the guide's tf.random.normal, seeded
    new_model.compile(loss=keras.losses.mean_squared_error,
                      optimizer=keras.optimizers.SGD(learning_rate=0.01),
                      steps_per_execution=7)  # a whole epoch (7 batches) per call
    history = new_model.fit(quadratic_batches(), epochs=100, verbose=0,
                            shuffle=False)  # the dataset shuffles itself
    folder = tempfile.mkdtemp()  # never inside the repository
    path = os.path.join(folder, "model.keras")
    try:
        new_model.save(path)
        refused = check_raises("load_model refuses the Lambda by default",
                               lambda: keras.models.load_model(path), ValueError,
                               note="pass safe_mode=False for a file you trust")
        loaded = keras.models.load_model(path, safe_mode=False)
    finally:
        shutil.rmtree(folder)
    kernel, bias = new_model.layers[1].get_weights()  # kernel = [[w_l], [w_q]]
    losses = history.history["loss"]
    return [
        check_close("history: one loss per epoch, falling tenfold",
                    [len(losses), losses[-1] < losses[0] / 10], [100, True],
                    note=f"{losses[0]:.3f} in epoch 1, {losses[-1]:.4f} in epoch 100"),
        check_close("[w_q, w_l, b] after fit vs np.linalg.lstsq",
                    [kernel[1, 0], kernel[0, 0], bias[0]], list(least_squares(x, y)),
                    atol=MINI_BATCH_TOLERANCE, rtol=0),
        refused,
        check_close("the loaded model is a keras.Sequential",
                    isinstance(loaded, keras.Sequential), True),
        check_close("its weights equal the saved ones", loaded.get_weights(),
                    new_model.get_weights(), rtol=0, atol=0),
        check_close("its predictions are w_q·x² + w_l·x + b with the saved weights",
                    loaded(x)[:, 0], np.polyval([kernel[1, 0], kernel[0, 0], bias[0]],
                                                x.numpy().astype(np.float64)), atol=1e-5),
    ]


@functools.cache
def keras_history() -> list[float]:
    """Return the loss per epoch of the guide's Keras model, fitted once as
    `keras_model_of_the_guide` fits it."""
    keras.utils.set_random_seed(22)
    new_model = keras.Sequential([
        keras.layers.Lambda(lambda x: x[:, None] ** [1.0, 2.0]),
        keras.layers.Dense(units=1, kernel_initializer=keras.initializers.RandomNormal(
            stddev=1.0, seed=22))])
    new_model.compile(loss=keras.losses.mean_squared_error,
                      optimizer=keras.optimizers.SGD(learning_rate=0.01), steps_per_execution=7)
    history = new_model.fit(quadratic_batches(), epochs=100, verbose=0, shuffle=False)
    return history.history["loss"]


def plot_the_keras_loss(figures_dir: Path) -> Path:
    """The guide's Keras training progress: `history.history['loss']`, one value per epoch.

    Keras reports the mean of the batch losses during each epoch, where your loop measured
    all 201 points after each epoch; both settle near the least-squares residual, 0.96.
    """
    return plot_series(keras_history(), path=Path(figures_dir) / "modules_keras_loss.png",
                       title="Keras training progress", xlabel="epoch",
                       ylabel="loss [mean squared error]")


EXAMPLES = [
    a_module_with_variables,
    modules_inside_modules,
    variables_made_on_first_call,
    fit_with_gradient_descent,
    plot_the_fit,
    plot_the_loss,
    training_in_mini_batches,
    plot_before_and_after_training,
    plot_the_loss_per_epoch,
    checkpoint_round_trip,
    looking_inside_a_checkpoint,
    one_trace_per_input_shape,
    save_and_reload,
    a_loaded_model_is_not_its_class,
    keras_tracks_add_weight_only,
    a_keras_layer_builds_once,
    fit_with_keras,
    keras_model_of_the_guide,
    plot_the_keras_loss,
]
