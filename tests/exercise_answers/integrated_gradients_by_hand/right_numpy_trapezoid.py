# expect: PASS
import numpy as np
import tensorflow as tf


def integrated_gradients(model, x, baseline, steps):
    count, features = x.shape
    alphas = np.linspace(0.0, 1.0, steps + 1).astype(np.float32)
    diff = tf.convert_to_tensor(x) - baseline
    path = tf.reshape(baseline[None] + alphas[:, None, None] * diff[None], (-1, features))
    with tf.GradientTape() as tape:
        tape.watch(path)
        y = model(path)
    g = tape.gradient(y, path).numpy().reshape(steps + 1, count, features)
    avg = np.trapezoid(g, alphas, axis=0)
    attributions = avg * diff.numpy()
    ends = y.numpy().reshape(steps + 1, count)
    completeness_error = np.abs(attributions.sum(1) - (ends[-1] - ends[0]))
    return attributions, completeness_error
