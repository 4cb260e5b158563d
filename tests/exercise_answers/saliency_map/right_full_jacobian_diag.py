# expect: PASS
import tensorflow as tf


def saliency(model, x):
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = model(x)
    jac = tape.jacobian(y, x)                     # (N, N, F)
    return tf.abs(tf.einsum('iif->if', jac))
