# expect: FAIL has shape
# joined along the rows instead: no reshape here, so none is mentioned
import tensorflow as tf


def side_by_side(x):
    return tf.concat(tf.unstack(x), axis=0)
