# expect: FAIL loops in Python
import tensorflow as tf


def side_by_side(x):
    return tf.concat([x[i] for i in range(x.shape[0])], axis=1)
