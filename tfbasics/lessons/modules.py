"""Modules, training and export

A `tf.Module` groups variables and the code that uses them: what a checkpoint or a SavedModel
writes to disk. You fit the basics guide's quadratic, check it against NumPy, then save it.

Guides: https://www.tensorflow.org/guide/intro_to_modules, https://www.tensorflow.org/guide/basics
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from tfbasics import plot_fit, plot_series
from tfbasics.checks import Check, check_close, check_raises


class SimpleModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.a_variable = tf.Variable(5.0, name="train_me")
        self.non_trainable_variable = tf.Variable(
            5.0, trainable=False, name="do_not_train_me")

    def __call__(self, x):
        return self.a_variable * x + self.non_trainable_variable


class Dense(tf.Module):
    def __init__(self, in_features, out_features, seed, name=None):
        super().__init__(name=name)
        w = tf.random.stateless_normal([in_features, out_features], seed=seed)
        self.w = tf.Variable(w, name="w")
        self.b = tf.Variable(tf.zeros([out_features]), name="b")

    def __call__(self, x):
        return tf.nn.relu(x @ self.w + self.b)


class SequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(in_features=3, out_features=3, seed=[1, 1])
        self.dense_2 = Dense(in_features=3, out_features=2, seed=[2, 2])

    def __call__(self, x):
        return self.dense_2(self.dense_1(x))


def relu_layers(x: np.ndarray, *layers: tf.Module) -> np.ndarray:
    """Return relu(... relu(x·W1 + b1) ... ·Wn + bn), computed in NumPy from the weights."""
    for layer in layers:
        x = np.maximum(np.asarray(x, np.float64) @ layer.w.numpy() + layer.b.numpy(), 0)
    return x


def modules_and_their_variables() -> list[Check]:
    """Subclass `tf.Module` and set variables as attributes: the module finds them for you.

    `trainable_variables` skips `trainable=False`; a module also finds its submodules' variables.
    """
    simple_module = SimpleModule(name="simple")
    print(simple_module(tf.constant(5.0)))  # 5·5 + 5 = 30
    print(simple_module.trainable_variables)
    my_model = SequentialModule(name="the_model")
    x = tf.constant([[2.0, 2.0, 2.0]])
    y = my_model(x)  # the two layers in turn
    print(y)
    # Verify
    return [
        check_close("simple_module(5.0)", simple_module(tf.constant(5.0)), 5 * 5 + 5.0,
                    by="by hand 5·5 + 5"),
        check_close("the trainable variables' names",
                    [v.name for v in simple_module.trainable_variables], ["train_me:0"],
                    by="the one without trainable=False"),
        check_close("all variables' names", sorted(v.name for v in simple_module.variables),
                    ["do_not_train_me:0", "train_me:0"], by="both names given"),
        check_close("my_model([[2, 2, 2]])", y,
                    relu_layers(x.numpy(), my_model.dense_1, my_model.dense_2),
                    by="NumPy relu(relu(x·W1 + b1)·W2 + b2)"),
        check_close("[variables, submodules]",
                    [len(my_model.variables), len(my_model.submodules)], [2 * 2, 2],
                    by="by hand 2 layers × (w, b), 2 layers"),
    ]


class FlexibleDenseModule(tf.Module):
    def __init__(self, out_features, seed, name=None):
        super().__init__(name=name)
        self.is_built = False
        self.out_features = out_features
        self.seed = seed

    def __call__(self, x):
        if not self.is_built:  # create the variables on the first call
            shape = [x.shape[-1], self.out_features]
            w = tf.random.stateless_normal(shape, seed=self.seed)
            self.w = tf.Variable(w, name="w")
            self.b = tf.Variable(tf.zeros([self.out_features]), name="b")
            self.is_built = True
        return tf.nn.relu(x @ self.w + self.b)


def variables_made_on_first_call() -> list[Check]:
    """A module can make its variables when it is first called, sized by the input.

    Here x's 4 features give w the shape (4, 3).
    """
    flexible = FlexibleDenseModule(out_features=3, seed=[1, 1])
    before = flexible.variables
    print(before)  # nothing before the first call
    x = tf.constant([[2.0, 2.0, 2.0, 2.0]])
    y = flexible(x)  # the first call makes w: (4, 3) and b: (3,)
    print([(v.name, v.shape) for v in flexible.variables])
    # Verify
    return [
        check_close("the variables before the first call", list(before), [],
                    by="none made yet"),
        check_close("the variables after it",
                    [[v.name, v.shape.as_list()] for v in flexible.variables],
                    [["b:0", [3]], ["w:0", [x.shape[-1], 3]]],
                    by="x's 4 features × 3 outputs"),
        check_close("flexible(x)", y, relu_layers(x.numpy(), flexible),
                    by="NumPy relu(x·w + b)"),
    ]


def quadratic_data() -> tuple[tf.Tensor, tf.Tensor]:
    x = tf.cast(tf.linspace(-2, 2, 201), tf.float32)  # ints give float64
    noise = tf.random.stateless_normal([201], seed=[42, 0])
    y = x**2 + 2 * x - 5 + noise
    return x, y


def least_squares(x: tf.Tensor, y: tf.Tensor) -> tuple[np.ndarray, float]:
    """Return the exact least-squares [w_q, w_l, b] and the mean squared residual, in NumPy."""
    x64, y64 = x.numpy().astype(np.float64), y.numpy().astype(np.float64)
    X = np.stack([x64**2, x64, np.ones_like(x64)], 1)
    w = np.linalg.lstsq(X, y64, rcond=None)[0]  # solves min ‖Xw - y‖²
    return w, np.mean((X @ w - y64) ** 2)


class Model(tf.Module):
    def __init__(self):
        super().__init__()
        rand_init = tf.random.stateless_uniform([3], seed=[22, 0], maxval=5.0)
        self.w_q = tf.Variable(rand_init[0], name="w_q")
        self.w_l = tf.Variable(rand_init[1], name="w_l")
        self.b = tf.Variable(rand_init[2], name="b")

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32)])
    def __call__(self, x):  # one graph for every length of x
        return self.w_q * x**2 + self.w_l * x + self.b


def batches(x, y, batch_size: int) -> tf.data.Dataset:
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    return dataset.shuffle(buffer_size=201, seed=22).batch(batch_size)


def train(model, dataset, x, y, lr: float, epochs: int) -> list[float]:
    @tf.function  # one graph per batch shape
    def train_step(x_batch, y_batch):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((y_batch - model(x_batch)) ** 2)  # the MSE
        dL_dw = tape.gradient(L, model.trainable_variables)
        for w, g in zip(model.trainable_variables, dL_dw, strict=True):
            w.assign_sub(lr * g)  # w ← w - lr·dL/dw
    losses = []
    for _ in range(epochs):
        for x_batch, y_batch in dataset:
            train_step(x_batch, y_batch)
        losses.append(float(tf.reduce_mean((y - model(x)) ** 2)))  # all points
    return losses


FIT_TOLERANCE = 1e-4  # absolute, on each coefficient, after 300 full-batch steps


def fit_with_gradient_descent() -> list[Check]:
    """Train the model: record the loss on a tape, move each variable by -lr·gradient, repeat.

    With all 201 points in one batch, 300 steps reach the least-squares answer NumPy solves exactly.
    """
    x, y = quadratic_data()
    model = Model()
    losses = train(model, batches(x, y, 201), x, y, lr=0.1, epochs=300)
    print(model.w_q.numpy(), model.w_l.numpy(), model.b.numpy())
    print(f"loss {losses[0]:.2f} after the first step, {losses[-1]:.4f} after 300")
    # Verify
    exact, residual = least_squares(x, y)
    return [
        check_close("[w_q, w_l, b]", [model.w_q, model.w_l, model.b],
                    list(exact), atol=FIT_TOLERANCE, rtol=0, by="NumPy lstsq"),
        check_close("the last loss", losses[-1], residual, rtol=1e-4,
                    by="NumPy's least-squares residual"),
    ]


def plot_the_fit(figures_dir: Path) -> Path:
    """Draw the data, the curve gradient descent found, and the least-squares curve.

    The two coincide: 300 full-batch steps reach the exact answer to about 1e-4.
    """
    x, y = quadratic_data()
    model = Model()
    train(model, batches(x, y, 201), x, y, lr=0.1, epochs=300)
    exact = np.polyfit(x.numpy(), y.numpy(), 2)  # least squares: [w_q, w_l, b]
    path = plot_fit(x.numpy(), y.numpy(),
                    {"gradient descent (300 steps)": model(x).numpy(),
                     "np.polyfit": np.polyval(exact, x.numpy())},
                    path=figures_dir / "modules_fit.png",
                    title="Fitting y = w_q·x² + w_l·x + b to noisy data")
    return path


def plot_the_loss(figures_dir: Path) -> Path:
    """Draw the mean squared error after each step of full-batch gradient descent.

    It drops to the least-squares residual, about 0.96, within 50 steps and stays there: what is
    left is the noise, which no quadratic removes.
    """
    x, y = quadratic_data()
    losses = train(Model(), batches(x, y, 201), x, y, lr=0.1, epochs=300)
    path = plot_series(losses, path=figures_dir / "modules_loss.png",
                       title="Loss per step of gradient descent (lr = 0.1)",
                       ylabel="mean squared error")
    return path


# After 100 epochs of 7 steps at lr = 0.01 the slowest direction of the loss (the smallest
# eigenvalue of its Hessian 2·XᵀX/201, 0.75) has shrunk by (1 - 0.01·0.75)^700 ≈ 0.005 of
# its start (about 4 units off), and mini-batch noise jitters each weight by a few
# hundredths: 0.1 covers both.
MINI_BATCH_TOLERANCE = 0.1


def training_in_mini_batches() -> list[Check]:
    """The basics guide's loop: one step at lr = 0.01 per shuffled batch of 32 (the last has 9).

    After 100 epochs the small noisy steps land near the least-squares answer, not on it.
    """
    x, y = quadratic_data()
    dataset = batches(x, y, 32)
    quad_model = Model()
    losses = train(quad_model, dataset, x, y, lr=0.01, epochs=100)
    print(f"loss {losses[0]:.2f} after the first epoch, {losses[-1]:.4f} after 100")
    # Verify
    exact, residual = least_squares(x, y)
    return [
        check_close("an epoch's batch sizes", [int(x_batch.shape[0]) for x_batch, _ in dataset],
                    [32] * 6 + [201 - 6 * 32], by="by hand 201 = 6·32 + 9"),
        check_close("mini-batch weights",
                    [quad_model.w_q, quad_model.w_l, quad_model.b], list(exact),
                    atol=MINI_BATCH_TOLERANCE, rtol=0, by="NumPy lstsq"),
        check_close("the loss after 100 epochs", losses[-1], residual, rtol=0.01,
                    by="NumPy's least-squares residual"),
    ]


def plot_before_and_after_training(figures_dir: Path) -> Path:
    """The guide's two pictures in one: the model before training, and after 100 epochs.

    The untrained curve misses the data entirely; the trained one lies on the curve the data came
    from, y = x² + 2x - 5.
    """
    x, y = quadratic_data()
    quad_model = Model()
    untrained = quad_model(x).numpy()
    train(quad_model, batches(x, y, 32), x, y, lr=0.01, epochs=100)
    path = plot_fit(x.numpy(), y.numpy(),
                    {"before training": untrained,
                     "after 100 epochs": quad_model(x).numpy(),
                     "y = x² + 2x - 5 (no noise)": (x**2 + 2 * x - 5).numpy()},
                    path=figures_dir / "modules_mini_batch_fit.png",
                    title="The basics guide's model, before and after training")
    return path


def plot_the_loss_per_epoch(figures_dir: Path) -> Path:
    """The guide's loss curve: the mean squared error on all 201 points after each epoch.

    It falls steeply over the first 25 epochs, then flattens just above the least-squares
    residual, about 0.96.
    """
    x, y = quadratic_data()
    losses = train(Model(), batches(x, y, 32), x, y, lr=0.01, epochs=100)
    path = plot_series(losses, path=figures_dir / "modules_mini_batch_loss.png",
                       title="MSE loss per epoch (batches of 32, lr = 0.01)",
                       xlabel="epoch", ylabel="mean squared error")
    return path


def save_and_reload() -> list[Check]:
    """A checkpoint saves a module's variables; a SavedModel saves its traced graphs too.

    Restoring fills a fresh `Model`; `tf.saved_model.load` runs the graphs without your class.
    """
    x, y = quadratic_data()
    trained = Model()
    train(trained, batches(x, y, 201), x, y, lr=0.1, epochs=300)
    fresh = Model()  # back at the random start
    with tempfile.TemporaryDirectory() as folder:
        saved = tf.train.Checkpoint(model=trained).write(f"{folder}/ckpt")
        tf.train.Checkpoint(model=fresh).read(saved).assert_consumed()
        tf.saved_model.save(trained, f"{folder}/quadratic")
        reloaded = tf.saved_model.load(f"{folder}/quadratic")
    print(fresh.b)
    probe = tf.constant([-1.0, 0.5, 3.0])  # a length the model never saw
    print(reloaded(probe))
    # Verify
    exact = least_squares(x, y)[0]
    return [
        check_close("restored weights", [fresh.w_q, fresh.w_l, fresh.b], list(exact),
                    atol=FIT_TOLERANCE, rtol=0, by="NumPy lstsq"),
        check_close("reloaded weights", [reloaded.w_q, reloaded.w_l, reloaded.b],
                    list(exact), atol=FIT_TOLERANCE, rtol=0, by="NumPy lstsq"),
        # 1e-4 on each coefficient moves w_q·x² + w_l·x + b by ≤ 1e-4·(9 + 3 + 1) at x = 3
        check_close("reloaded(probe)", reloaded(probe), np.polyval(exact, probe.numpy()),
                    atol=2e-3, rtol=0, by="NumPy lstsq"),
    ]


class MySequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = FlexibleDenseModule(out_features=3, seed=[1, 1])
        self.dense_2 = FlexibleDenseModule(out_features=2, seed=[2, 2])

    @tf.function
    def __call__(self, x):
        return self.dense_2(self.dense_1(x))


def what_a_module_saves() -> list[Check]:
    """A checkpoint names each value by its path of attributes; a SavedModel keeps the graphs.

    A `tf.function` `__call__` traces a graph per input shape, and twice on the first call: once
    to make the variables, once to run. The reloaded model has those graphs, not your class.
    """
    my_model = MySequentialModule(name="the_model")
    x1 = tf.constant([[2.0, 2.0, 2.0]])
    x2 = tf.constant([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]])
    y1 = my_model(x1)  # (1, 3): 2 traces
    y2 = my_model(x2)  # (1, 2, 3): 1
    my_model(tf.constant([[1.0, 2.0, 3.0]]))  # (1, 3) again: no new trace
    traces = my_model.__call__.experimental_get_tracing_count()
    print(traces)
    with tempfile.TemporaryDirectory() as folder:
        saved = tf.train.Checkpoint(model=my_model).write(f"{folder}/my_checkpoint")
        listed = tf.train.list_variables(saved)
        tf.saved_model.save(my_model, f"{folder}/the_saved_model")
        new_model = tf.saved_model.load(f"{folder}/the_saved_model")
    for name, shape in listed:
        print(name, shape)
    print(new_model(x1))
    # Verify
    row = relu_layers(x1.numpy(), my_model.dense_1, my_model.dense_2)
    names = [name for name, _ in listed]
    suffix = "/.ATTRIBUTES/VARIABLE_VALUE"  # after each variable's path
    return [
        check_close("the tracing count", traces, 2 + 1 + 0, by="by hand 2 + 1 + 0"),
        check_close("my_model on (1, 3)", y1, row, by="NumPy relu(relu(x·W1 + b1)·W2 + b2)"),
        check_close("my_model on (1, 2, 3)", y2, np.stack([row, row], axis=1),
                    by="NumPy, the same row twice"),
        check_close("the listed names, less the suffix",
                    [name.removesuffix(suffix) for name in names],
                    ["_CHECKPOINTABLE_OBJECT_GRAPH", "model/dense_1/b", "model/dense_1/w",
                     "model/dense_2/b", "model/dense_2/w"], by="the guide"),
        check_close("which names end in the suffix", [n.endswith(suffix) for n in names],
                    [False, True, True, True, True], by="the guide"),
        check_close("the listed shapes", [shape for _, shape in listed],
                    [[], [3], [3, 3], [2], [3, 2]], by="the guide"),
        check_close("isinstance(new_model, MySequentialModule)",
                    isinstance(new_model, MySequentialModule), False, by="the guide"),
        check_close("new_model on both shapes", [new_model(x1), new_model(x2)],
                    [row, np.stack([row, row], axis=1)], by="NumPy"),
        check_raises("new_model on a shape never traced, (2, 3)",
                     lambda: new_model(tf.constant([[2.0, 2.0, 2.0], [1.0, 1.0, 1.0]])),
                     ValueError,
                     note="a (2, 3) tensor; the saved graphs take (1, 3) and (1, 2, 3)"),
    ]


class Quadratic(keras.layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(3,), initializer="zeros", name="w")

    def call(self, x):
        return self.w[0] * x**2 + self.w[1] * x + self.w[2]


class RawVariableLayer(Quadratic):
    def build(self, input_shape):
        self.w = tf.Variable([0.0, 0.0, 0.0])  # Keras 3 does not track it


def keras_tracks_add_weight_only() -> list[Check]:
    """In TF 2.21 `tf.keras` is Keras 3, which tracks only Keras variables, such as `add_weight`'s.

    A raw `tf.Variable`, as in the guide's `MyDense`, is no weight, so `fit` would never train it.
    """
    raw = RawVariableLayer(name="raw")
    quadratic = Quadratic(name="quadratic")
    raw(tf.constant([1.0]))
    quadratic(tf.constant([1.0]))
    print(raw.trainable_weights)
    print(quadratic.trainable_weights)
    x, y = quadratic_data()
    model = keras.Sequential([keras.Input(shape=()), Quadratic()])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse",
                  steps_per_execution=50)  # 50 steps per call into the graph
    full_batches = tf.data.Dataset.from_tensors((x, y)).repeat(300)  # 300 steps
    model.fit(full_batches, epochs=1, verbose=0, shuffle=False)
    print(model.layers[0].w.numpy())  # [w_q, w_l, b]
    # Verify
    return [
        check_close("raw's trainable weights", len(raw.trainable_weights), 0,
                    by="Keras 3 tracks Keras variables only"),
        check_close("quadratic's trainable weights' shapes",
                    [tuple(w.shape) for w in quadratic.trainable_weights], [(3,)],
                    by="one add_weight of shape (3,)"),
        check_close("isinstance(raw, tf.Module)", isinstance(raw, tf.Module), False,
                    by="Keras 3 layers are not tf.Modules"),
        check_close("Keras fit's weights", model.layers[0].w, least_squares(x, y)[0],
                    atol=FIT_TOLERANCE, rtol=0, by="NumPy lstsq"),
    ]


class FlexibleDense(keras.layers.Layer):
    def __init__(self, out_features, **kwargs):
        super().__init__(**kwargs)
        self.out_features = out_features
        self.builds = 0  # how many times build() ran

    def build(self, input_shape):
        self.builds += 1
        self.w = self.add_weight(shape=(input_shape[-1], self.out_features),
                                 initializer=keras.initializers.RandomNormal(seed=0))
        self.b = self.add_weight(shape=(self.out_features,), initializer="zeros")

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


def a_keras_layer_builds_once() -> list[Check]:
    """A Keras layer makes its weights in `build`, once, on the first call, for that input's shape.

    Then 4 features fail in the matrix product; `keras.layers.Dense` checks the shape first.
    """
    flexible_dense = FlexibleDense(out_features=3)
    x = tf.constant([[2.0, 2.0, 2.0]])
    y = flexible_dense(x)  # build((1, 3)) makes w: (3, 3) and b: (3,)
    flexible_dense(tf.constant([[1.0, 1.0, 1.0]]))  # built: no second build
    print(y)
    dense = keras.layers.Dense(3, name="dense")
    dense(x)
    # Verify
    four = tf.constant([[2.0, 2.0, 2.0, 2.0]])
    kernel, bias = flexible_dense.w.numpy(), flexible_dense.b.numpy()
    return [
        check_close("[builds, weight shapes]",
                    [flexible_dense.builds, [list(w.shape) for w in flexible_dense.weights]],
                    [1, [[3, 3], [3]]], by="by hand one build, 3 features × 3 outputs"),
        check_close("flexible_dense(x)", y, x.numpy() @ kernel + bias, by="NumPy x·w + b"),
        check_raises("4 features into FlexibleDense built for 3",
                     lambda: flexible_dense(four), tf.errors.InvalidArgumentError),
        check_raises("4 features into keras.layers.Dense built for 3", lambda: dense(four),
                     ValueError),
    ]


def guide_keras_model() -> keras.Sequential:
    init = keras.initializers.RandomNormal(stddev=1.0, seed=22)
    model = keras.Sequential([
        keras.layers.Lambda(lambda x: x[:, None] ** [1.0, 2.0]),  # [x, x²]
        keras.layers.Dense(units=1, kernel_initializer=init)])
    model.compile(loss=keras.losses.mean_squared_error,
                  optimizer=keras.optimizers.SGD(learning_rate=0.01),
                  steps_per_execution=7)  # a whole epoch (7 batches) per call
    return model


def keras_model_of_the_guide() -> list[Check]:
    """The basics guide's Keras model: a `Lambda` makes [x, x²] and a `Dense` fits them.

    In TF 2.21 only `tf.keras.losses` keeps the `MSE` alias, and `load_model` refuses a `Lambda`
    unless you pass `safe_mode=False`; reloaded, the lambda sees none of your names: use operators.
    """
    x, y = quadratic_data()
    new_model = guide_keras_model()
    history = new_model.fit(batches(x, y, 32), epochs=100, verbose=0,
                            shuffle=False)  # the dataset shuffles itself
    kernel, bias = new_model.layers[1].get_weights()  # kernel = [[w_l], [w_q]]
    print(kernel.ravel(), bias)
    with tempfile.TemporaryDirectory() as folder:
        new_model.save(f"{folder}/my_new_model.keras")
        loaded = keras.models.load_model(  # a Lambda runs code: trust the file
            f"{folder}/my_new_model.keras", safe_mode=False)
    # Verify
    with tempfile.TemporaryDirectory() as folder:
        new_model.save(os.path.join(folder, "again.keras"))
        refused = check_raises("load_model of a Lambda without safe_mode=False",
                               lambda: keras.models.load_model(
                                   os.path.join(folder, "again.keras")), ValueError)
    exact, residual = least_squares(x, y)
    losses = history.history["loss"]
    w = [kernel[1, 0], kernel[0, 0], bias[0]]
    return [
        check_close("Keras model weights", w, list(exact), atol=MINI_BATCH_TOLERANCE,
                    rtol=0, by="NumPy lstsq"),
        check_close("the loss of epoch 100", losses[-1], residual, rtol=0.05,
                    by="NumPy's least-squares residual"),
        refused,
        check_close("isinstance(loaded, keras.Sequential)",
                    isinstance(loaded, keras.Sequential), True, by="the .keras format"),
        check_close("loaded(x[::50])", loaded(x[::50])[:, 0], np.polyval(w, x.numpy()[::50]),
                    atol=1e-5, by="NumPy polyval"),
    ]


def plot_the_keras_loss(figures_dir: Path) -> Path:
    """The guide's Keras training progress: `history.history['loss']`, one value per epoch.

    Keras reports the mean of the batch losses during each epoch; it settles near the
    least-squares residual, 0.96.
    """
    x, y = quadratic_data()
    history = guide_keras_model().fit(batches(x, y, 32), epochs=100, verbose=0,
                                      shuffle=False)
    path = plot_series(history.history["loss"],
                       path=figures_dir / "modules_keras_loss.png",
                       title="Keras training progress", xlabel="epoch",
                       ylabel="loss [mean squared error]")
    return path


EXAMPLES = [
    modules_and_their_variables,
    variables_made_on_first_call,
    fit_with_gradient_descent,
    plot_the_fit,
    plot_the_loss,
    training_in_mini_batches,
    plot_before_and_after_training,
    plot_the_loss_per_epoch,
    save_and_reload,
    what_a_module_saves,
    keras_tracks_add_weight_only,
    a_keras_layer_builds_once,
    keras_model_of_the_guide,
    plot_the_keras_loss,
]
