# expect: FAIL where it should be
# UTF-16 code units: an emoji takes two
import tensorflow as tf


def word_lengths(sentence):
    return tf.strings.length(tf.strings.split(sentence), unit="UTF8_CHAR") + tf.strings.length(
        tf.strings.regex_replace(tf.strings.split(sentence), "[^\U00010000-\U0010FFFF]", ""),
        unit="UTF8_CHAR")
