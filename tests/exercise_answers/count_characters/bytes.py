# expect: FAIL its UTF-8 bytes
import tensorflow as tf


def word_lengths(sentence):
    return tf.strings.length(tf.strings.split(sentence))
