# expect: FAIL the checkpoint holds no value for module.steps
import os

import tensorflow as tf


def save(module, folder):
    values = {f"v{i}": v for i, v in enumerate(module.trainable_variables)}
    return tf.train.Checkpoint(**values).write(os.path.join(folder, "ckpt"))


def restore(module, path):
    values = {f"v{i}": v for i, v in enumerate(module.trainable_variables)}
    tf.train.Checkpoint(**values).read(path)
