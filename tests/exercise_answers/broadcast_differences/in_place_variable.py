# expect: FAIL loops in Python
# x - y per row through a Variable assigned in a Python loop
import tensorflow as tf


def differences(x, y):
    out = tf.Variable(tf.zeros([x.shape[0], y.shape[0]]))
    for i in range(x.shape[0]):
        out[i].assign(x[i] - y)
    return tf.convert_to_tensor(out)
