# expect: PASS
# Keras's plain SGD applies the same step, a ← a - lr·dL/da.
import tensorflow as tf


def train(x, y, num_steps):
    a = tf.Variable(0.0)
    b = tf.Variable(0.0)
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = tf.reduce_mean((a * x + b - y) ** 2)
        grads = tape.gradient(L, [a, b])
        optimizer.apply_gradients(zip(grads, [a, b]))
    return a, b
