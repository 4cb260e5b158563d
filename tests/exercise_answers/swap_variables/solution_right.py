# expect: PASS
import tensorflow as tf


def swap(a, b):
    old_a = tf.convert_to_tensor(a)
    a.assign(b)
    b.assign(old_a)
