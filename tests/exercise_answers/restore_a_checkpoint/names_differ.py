# expect: FAIL differ between your save and restore
import os

import tensorflow as tf


def save(module, folder):
    return tf.train.Checkpoint(model=module).write(os.path.join(folder, "ckpt"))


def restore(module, path):
    tf.train.Checkpoint(net=module).read(path).assert_consumed()
