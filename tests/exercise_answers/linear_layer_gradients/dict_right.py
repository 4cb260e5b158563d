# expect: PASS
import tensorflow as tf


def gradients(x, w, b):
    with tf.GradientTape() as tape:
        L = tf.reduce_mean(tf.square(tf.matmul(x, w) + b))
    grads = tape.gradient(L, {"w": w, "b": b})
    return grads["w"], grads["b"]
