# expect: PASS
import tensorflow as tf


def integrated_gradients(model, x, baseline, steps):
    x = tf.convert_to_tensor(x)
    baseline = tf.convert_to_tensor(baseline, dtype=x.dtype)
    count, features = x.shape
    alphas = tf.cast(tf.linspace(0.0, 1.0, steps + 1), x.dtype)
    diff = x - baseline
    path = baseline[None] + alphas[:, None, None] * diff[None]      # (S+1, N, F)
    flat = tf.reshape(path, (-1, features))
    with tf.GradientTape() as tape:
        tape.watch(flat)
        y = model(flat)
    g = tf.reshape(tape.gradient(y, flat), (steps + 1, count, features))
    w = tf.concat([[0.5], tf.ones(steps - 1), [0.5]], 0) / steps
    w = tf.cast(w, x.dtype)
    avg = tf.tensordot(w, g, axes=1)
    attributions = avg * diff
    completeness_error = tf.abs(tf.reduce_sum(attributions, 1) - (model(x) - model(baseline)))
    return attributions, completeness_error
