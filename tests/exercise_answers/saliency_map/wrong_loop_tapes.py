# expect: FAIL ask once
import tensorflow as tf


def saliency(model, x):
    x = tf.convert_to_tensor(x)
    rows = []
    for i in range(x.shape[0]):
        xi = x[i:i + 1]
        with tf.GradientTape() as tape:
            tape.watch(xi)
            y = model(xi)
        rows.append(tf.abs(tape.gradient(y, xi))[0])
    return tf.stack(rows)
