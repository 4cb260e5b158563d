# expect: FAIL but it should have shape
# joins the first two slices only: right when a = 2
import tensorflow as tf


def side_by_side(x):
    return tf.concat([x[0], x[1]], axis=1)
