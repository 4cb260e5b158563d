# expect: FAIL went up by 0
import tensorflow as tf

calls = tf.Variable(0)


@tf.function
def squared_norm(x):
    tf.print("called")
    return tf.reduce_sum(x**2)
