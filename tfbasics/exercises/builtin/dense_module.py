"""Write a tf.Module: a dense layer that owns its variables w and b.

Write the class Dense(in_features, out_features, name=None), a `tf.Module` that makes its two
variables once, w of shape (in_features, out_features) and b of shape (out_features,), and
whose call returns relu(x @ w + b). The check builds layers of random sizes, looks at their
variables and name, gives w and b random values and compares the output with NumPy's.
"""

LESSON = "modules"
ORDER = 1
KIND = "write a tf.Module"

STUB = '''\
"""Exercise dense_module: a dense layer as a tf.Module, y = relu(x @ w + b).

Dense(in_features, out_features, name=None) holds two variables, w of shape
(in_features, out_features) and b of shape (out_features,), made once; calling the layer on x
of shape (batch, in_features) returns relu(x @ w + b).
Check it: python -m tfbasics.exercises check dense_module
"""
import tensorflow as tf


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        ...  # make the module, then its variables self.w and self.b

    def __call__(self, x):
        return ...  # relu(x @ w + b)
'''

SOLUTION = '''\
"""Exercise dense_module: a dense layer as a tf.Module, y = relu(x @ w + b).

Dense(in_features, out_features, name=None) holds two variables, w of shape
(in_features, out_features) and b of shape (out_features,), made once; calling the layer on x
of shape (batch, in_features) returns relu(x @ w + b).
Check it: python -m tfbasics.exercises check dense_module
"""
import tensorflow as tf


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)  # tf.Module sets up its name and its name scope
        self.w = tf.Variable(tf.random.normal([in_features, out_features]), name="w")
        self.b = tf.Variable(tf.zeros([out_features]), name="b")

    def __call__(self, x):
        return tf.nn.relu(x @ self.w + self.b)
'''

HINTS = [
    "A tf.Module finds the tf.Variables you set as attributes of self. Where should they be "
    "made, so that every call uses the same ones?",
    "Start __init__ with super().__init__(name=name): tf.Module sets up the module's name "
    "there.",
    "In __init__: self.w = tf.Variable(...) with shape [in_features, out_features], and b "
    "likewise with [out_features]; __call__ returns tf.nn.relu(x @ self.w + self.b).",
]


def grade(student, rng):
    """Make three layers of random sizes; check their variables, name and output."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import Feedback, Problem, call, compare, require

    Dense = require(student, "Dense", "class Dense(tf.Module)")
    if not (isinstance(Dense, type) and issubclass(Dense, tf.Module)):
        raise Problem("Dense should be a class that subclasses tf.Module: "
                      "class Dense(tf.Module)")

    def check_shapes(layer, made, n_in, n_out):  # for the variables the layer has so far
        for attribute, shape in (("w", (n_in, n_out)), ("b", (n_out,))):
            variable = getattr(layer, attribute, None)
            if isinstance(variable, tf.Variable) and tuple(variable.shape) != shape:
                raise Problem(f"{made} has a {attribute} of shape {tuple(variable.shape)}; it "
                              f"should have shape {shape}")

    sizes = [(n_in, n_out) for n_in in range(2, 6) for n_out in range(1, 5)]
    for number, pick in enumerate(rng.choice(len(sizes), 3, replace=False)):  # 3 different
        (n_in, n_out), batch = sizes[int(pick)], int(rng.integers(1, 5))
        name = f"layer_{number}"
        made = f"Dense({n_in}, {n_out}, name={name!r})"
        x = np.round(rng.uniform(-2, 2, (batch, n_in)), 2).astype(np.float32)
        layer = call(Dense, n_in, n_out, name)
        check_shapes(layer, made, n_in, n_out)  # made in __init__: say so before any call
        call(layer, tf.constant(x), what=f"calling {made}")
        first = [getattr(layer, attribute, None) for attribute in ("w", "b")]
        for attribute, variable in zip("wb", first, strict=True):
            if not isinstance(variable, tf.Variable):
                kind = type(variable).__name__
                what = ("missing: the check reads the layer's variables as self.w and self.b"
                        if variable is None else
                        "a keras.Variable: a tf.Module tracks tf.Variables only, so it must "
                        "be a tf.Variable" if "keras" in type(variable).__module__ else
                        "a tf.Tensor, which cannot change: it must be a tf.Variable, which "
                        "training can update in place" if isinstance(variable, tf.Tensor) else
                        f"a {kind}: it must be a tf.Variable")
                raise Problem(f"after {made} is made and called, its {attribute} is {what}")
        call(layer, tf.constant(x), what=f"calling {made}")
        for attribute, variable in zip("wb", first, strict=True):
            if getattr(layer, attribute, None) is not variable:
                raise Problem(f"calling {made} a second time replaced its {attribute} with a "
                              f"new tf.Variable: each call makes fresh variables, so training "
                              f"would never keep what it learned; make them once")
        w, b = first
        check_shapes(layer, made, n_in, n_out)
        trainable = list(layer.trainable_variables)
        if len(trainable) != 2 or not any(v is w for v in trainable) or not any(
                v is b for v in trainable):
            raise Problem(f"{made}.trainable_variables holds {len(trainable)} variable"
                          f"{'s' if len(trainable) != 1 else ''}: it should hold exactly "
                          f"w and b, both trainable")
        try:
            given = layer.name
        except AttributeError:
            raise Problem(f"{made}.name raises AttributeError: tf.Module sets up a module's "
                          f"name in its own __init__, which your __init__ never calls") from None
        if given != name:
            raise Problem(f"{made}.name is {given!r}, not {name!r}: pass the name you are "
                          f"given on to tf.Module")
        w_value = np.round(rng.uniform(-1, 1, (n_in, n_out)), 2)
        b_value = np.round(rng.uniform(-1, 1, n_out), 2)
        w.assign(tf.constant(w_value, w.dtype))
        b.assign(tf.constant(b_value, b.dtype))
        y = call(layer, tf.constant(x), what=f"calling {made}")
        compare(y, np.maximum(x.astype(np.float64) @ w_value + b_value, 0), "the output",
                f"x of shape {x.shape} (w and b set to random values)", "y")
    return Feedback.ok()
