# expect: FAIL outside the folder it was given
import tensorflow as tf


def save(module, folder):
    return tf.train.Checkpoint(model=module).write("ckpt")


def restore(module, path):
    tf.train.Checkpoint(model=module).read(path)
