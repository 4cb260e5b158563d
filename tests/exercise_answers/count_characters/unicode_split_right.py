# expect: PASS
# each word cut into characters: the ragged row lengths are the counts
import tensorflow as tf


def word_lengths(sentence):
    chars = tf.strings.unicode_split(tf.strings.split(sentence), "UTF-8")
    return chars.row_lengths()
