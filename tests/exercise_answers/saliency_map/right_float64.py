# expect: PASS
import numpy as np
import tensorflow as tf


def saliency(model, x):
    x = tf.Variable(x)   # a variable is watched without tape.watch
    with tf.GradientTape() as tape:
        y = model(x)
    return tf.abs(tape.gradient(y, x))
