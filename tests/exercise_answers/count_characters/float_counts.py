# expect: FAIL a count of characters is a whole number
import tensorflow as tf


def word_lengths(sentence):
    words = tf.strings.split(sentence)
    return tf.cast(tf.strings.length(words, unit="UTF8_CHAR"), tf.float32)
