# expect: PASS
# Checkpoint.save numbers the files: it returns the path it wrote, ckpt-1
import os

import tensorflow as tf


def save(module, folder):
    return tf.train.Checkpoint(net=module).save(os.path.join(folder, "ckpt"))


def restore(module, path):
    tf.train.Checkpoint(net=module).restore(path)
