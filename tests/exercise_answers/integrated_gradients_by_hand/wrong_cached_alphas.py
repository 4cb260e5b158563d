# expect: FAIL attributions is wrong
import tensorflow as tf

ALPHAS = None


def integrated_gradients(model, x, baseline, steps):
    global ALPHAS
    if ALPHAS is None:                       # computed once, for the first call's steps
        ALPHAS = tf.linspace(0.0, 1.0, steps + 1)
    alphas = ALPHAS
    s = alphas.shape[0] - 1
    count, features = x.shape
    diff = x - baseline
    flat = tf.reshape(baseline[None] + alphas[:, None, None] * diff[None], (-1, features))
    with tf.GradientTape() as tape:
        tape.watch(flat)
        y = model(flat)
    g = tf.reshape(tape.gradient(y, flat), (s + 1, count, features))
    avg = (tf.reduce_sum(g, 0) - 0.5 * (g[0] + g[-1])) / s
    attributions = avg * diff
    completeness_error = tf.abs(tf.reduce_sum(attributions, 1) - (model(x) - model(baseline)))
    return attributions, completeness_error
