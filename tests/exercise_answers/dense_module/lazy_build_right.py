# expect: PASS
# variables made at the first call, once
import tensorflow as tf


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.in_features, self.out_features = in_features, out_features
        self.built = False

    def __call__(self, x):
        if not self.built:
            self.w = tf.Variable(tf.random.normal([self.in_features, self.out_features]))
            self.b = tf.Variable(tf.zeros([self.out_features]))
            self.built = True
        return tf.nn.relu(x @ self.w + self.b)
