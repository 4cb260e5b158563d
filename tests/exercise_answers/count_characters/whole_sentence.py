# expect: FAIL one number for the whole sentence
import tensorflow as tf


def word_lengths(sentence):
    return tf.strings.length(sentence, unit="UTF8_CHAR")
