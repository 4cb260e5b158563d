# expect: PASS
import tensorflow as tf


def word_lengths(sentence):
    words = tf.strings.split(sentence)
    return tf.strings.length(words, unit="UTF8_CHAR")
