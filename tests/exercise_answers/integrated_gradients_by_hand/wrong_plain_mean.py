# expect: FAIL trapezoid
import tensorflow as tf


def integrated_gradients(model, x, baseline, steps):
    count, features = x.shape
    alphas = tf.linspace(0.0, 1.0, steps + 1)
    diff = x - baseline
    path = baseline[None] + alphas[:, None, None] * diff[None]
    flat = tf.reshape(path, (-1, features))
    with tf.GradientTape() as tape:
        tape.watch(flat)
        y = model(flat)
    g = tf.reshape(tape.gradient(y, flat), (steps + 1, count, features))
    avg = tf.reduce_mean(g, 0)   # equal weights on all steps+1 points
    attributions = avg * diff
    completeness_error = tf.abs(tf.reduce_sum(attributions, 1) - (model(x) - model(baseline)))
    return attributions, completeness_error
