# expect: PASS
import os

import tensorflow as tf


def save(module, folder):
    checkpoint = tf.train.Checkpoint(model=module)
    return checkpoint.write(os.path.join(folder, "ckpt"))


def restore(module, path):
    checkpoint = tf.train.Checkpoint(model=module)
    checkpoint.read(path).assert_consumed()
