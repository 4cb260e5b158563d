# expect: FAIL replaced its w with a new tf.Variable
import tensorflow as tf


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.shape = (in_features, out_features)

    def __call__(self, x):
        self.w = tf.Variable(tf.random.normal(self.shape))
        self.b = tf.Variable(tf.zeros(self.shape[1]))
        return tf.nn.relu(x @ self.w + self.b)
