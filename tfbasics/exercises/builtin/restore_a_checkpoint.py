"""Save a module's variables with tf.train.Checkpoint and restore them into a fresh module.

Write save(module, folder), which writes a checkpoint of every variable the module holds
inside `folder` and returns the path it wrote, and restore(module, path), which reads that
checkpoint into another module of the same class. The check saves modules of random sizes into
a temporary folder, reads the file itself, and requires the restored values to be exactly the
saved ones.
"""

LESSON = "modules"
ORDER = 3
KIND = "save and restore"

STUB = '''\
"""Exercise restore_a_checkpoint: save a module's variables, restore them into a fresh one.

save(module, folder) writes a tf.train.Checkpoint of the module inside folder and returns the
path it wrote; restore(module, path) reads that checkpoint into another module of the same
class, whose variables then hold the saved values.
Check it: python -m tfbasics.exercises check restore_a_checkpoint
"""
import os

import tensorflow as tf


def save(module, folder):
    return ...  # the path of the checkpoint you wrote


def restore(module, path):
    ...  # read the checkpoint at path into module
'''

SOLUTION = '''\
"""Exercise restore_a_checkpoint: save a module's variables, restore them into a fresh one.

save(module, folder) writes a tf.train.Checkpoint of the module inside folder and returns the
path it wrote; restore(module, path) reads that checkpoint into another module of the same
class, whose variables then hold the saved values.
Check it: python -m tfbasics.exercises check restore_a_checkpoint
"""
import os

import tensorflow as tf


def save(module, folder):
    checkpoint = tf.train.Checkpoint(model=module)
    return checkpoint.write(os.path.join(folder, "ckpt"))  # the path it wrote


def restore(module, path):
    checkpoint = tf.train.Checkpoint(model=module)  # the same name, "model", as in save
    checkpoint.read(path).assert_consumed()  # every saved value found its variable
'''

HINTS = [
    "tf.train.Checkpoint(model=module) tracks every variable the module reaches through its "
    "attributes, submodules included, trainable or not.",
    "checkpoint.write(prefix) writes the files and returns the path; build the prefix inside "
    "the folder with os.path.join.",
    "To restore, make a Checkpoint of the fresh module under the same keyword (model=...) and "
    "call .read(path); .assert_consumed() then confirms every value found its variable.",
]


def grade(student, rng):
    """Save three modules of random sizes, read the files, restore into fresh modules."""
    import os
    import tempfile

    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import Feedback, Problem, call, require

    save = require(student, "save", "save(module, folder)")
    restore = require(student, "restore", "restore(module, path)")

    class Layer(tf.Module):
        def __init__(self, n_in, n_out):
            super().__init__()
            self.w = tf.Variable(rng.uniform(-1, 1, (n_in, n_out)).astype(np.float32))
            self.b = tf.Variable(rng.uniform(-1, 1, n_out).astype(np.float32))

    class Net(tf.Module):  # two layers, and a step counter no optimizer trains
        def __init__(self, sizes):
            super().__init__()
            self.hidden = Layer(sizes[0], sizes[1])
            self.output = Layer(sizes[1], sizes[2])
            self.steps = tf.Variable(int(rng.integers(1, 10_000)), dtype=tf.int64,
                                     trainable=False)

    def variables(net):  # {"module.hidden.w": the variable, ...}
        return {"module.hidden.w": net.hidden.w, "module.hidden.b": net.hidden.b,
                "module.output.w": net.output.w, "module.output.b": net.output.b,
                "module.steps": net.steps}

    for _ in range(3):
        sizes = [int(n) for n in rng.integers(1, 5, 3)]
        trained, fresh = Net(sizes), Net(sizes)
        saved = {name: v.numpy() for name, v in variables(trained).items()}
        own = {name: v.numpy() for name, v in variables(fresh).items()}
        with tempfile.TemporaryDirectory() as folder:
            path = call(save, trained, folder)
            if not isinstance(path, (str, os.PathLike)):
                raise Problem(f"save should return the path it wrote (a string); it returned "
                              f"{type(path).__name__}")
            path = os.fspath(path)
            inside = os.path.realpath(folder)
            if os.path.commonpath([inside, os.path.realpath(path)]) != inside:
                raise Problem(f"save wrote {path}, outside the folder it was given: build the "
                              f"path from the folder")
            try:
                listed = tf.train.list_variables(path)
            except (tf.errors.OpError, ValueError):
                raise Problem("there is no checkpoint at the path save returned: return the "
                              "path the checkpoint was written to") from None
            stored = [tf.train.load_variable(path, key) for key, _ in listed
                      if key != "_CHECKPOINTABLE_OBJECT_GRAPH"]
            for name, value in saved.items():
                if not any(np.shape(s) == value.shape and np.array_equal(s, value)
                           for s in stored):
                    raise Problem(f"the checkpoint holds no value for {name} (shape "
                                  f"{list(value.shape)}): save every variable of the module")
            for variable in variables(trained).values():  # restore must read the file
                variable.assign(tf.zeros_like(variable))
            try:
                call(restore, fresh, path)
            except Problem as problem:  # assert_consumed lists every unmatched variable
                first, unmatched, _ = str(problem).partition(" not bound to checkpointed")
                if not unmatched:
                    raise
                raise Problem(f"{first} not bound to checkpointed values: the checkpoint "
                              f"names objects by the keywords of tf.train.Checkpoint, which "
                              f"differ between your save and restore") from None
        after = {name: v.numpy() for name, v in variables(fresh).items()}
        unchanged = [name for name in saved if np.array_equal(after[name], own[name])]
        if len(unchanged) == len(saved):
            raise Problem("restore changed none of the fresh module's variables: nothing "
                          "in the checkpoint matched them (it matches by the names the "
                          "objects had in tf.train.Checkpoint when you saved)")
        for name, value in saved.items():
            if name in unchanged:
                raise Problem(f"restore left {name} of the fresh module as it was: the "
                              f"checkpoint's value for it did not reach it")
            if not np.array_equal(after[name], value):
                raise Problem(f"after restore, {name} of the fresh module is not the saved "
                              f"value (a checkpoint restores values exactly)")
    return Feedback.ok()
