# expect: PASS
import tensorflow as tf


def saliency(model, x):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(model(x))   # y[i] depends only on x[i]
    g = tape.gradient(total, x)
    return tf.sqrt(tf.square(g))
