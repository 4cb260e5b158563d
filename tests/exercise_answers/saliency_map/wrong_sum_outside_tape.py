# expect: FAIL with block
import tensorflow as tf


def saliency(model, x):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x)
    # y[i] depends only on x[i]: d(sum y)/dx[i] = dy[i]/dx[i]
    g = tape.gradient(tf.reduce_sum(y), x)
    return tf.sqrt(tf.square(g))
