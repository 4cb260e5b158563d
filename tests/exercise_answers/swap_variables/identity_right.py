# expect: PASS
import tensorflow as tf


def swap(a, b):
    old_a = tf.identity(a)
    a.assign(b)
    b.assign(old_a)
