# expect: PASS
import tensorflow as tf


def word_lengths(sentence):
    codes = tf.strings.unicode_decode(tf.strings.split(sentence, " "), "UTF-8")
    return tf.cast(codes.row_lengths(), tf.int32)
