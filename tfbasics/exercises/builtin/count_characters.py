"""Count the characters, not the bytes, of each word of a sentence.

Write word_lengths(sentence): for a scalar string tensor of words separated by spaces, return
an integer vector with each word's number of characters. A string tensor holds UTF-8 bytes,
and a character such as é or 🦆 takes more than one of them. Use TF's string ops on whole
tensors, no Python loops; the check compares your counts with Python's on random sentences.
"""

LESSON = "tensors"
ORDER = 4
KIND = "string puzzle"

STUB = '''\
"""Exercise count_characters: how many characters has each word of a sentence?

sentence is a scalar string tensor of words separated by spaces, such as "café 🦆 wolf".
Return an integer vector with each word's number of characters, here [4, 1, 4].
No Python loops: TF's string ops work on whole tensors.
Check it: python -m tfbasics.exercises check count_characters
"""
import tensorflow as tf


def word_lengths(sentence):
    return ...  # one count per word
'''

SOLUTION = '''\
"""Exercise count_characters: how many characters has each word of a sentence?

sentence is a scalar string tensor of words separated by spaces, such as "café 🦆 wolf".
Return an integer vector with each word's number of characters, here [4, 1, 4].
No Python loops: TF's string ops work on whole tensors.
Check it: python -m tfbasics.exercises check count_characters
"""
import tensorflow as tf


def word_lengths(sentence):
    words = tf.strings.split(sentence)  # a vector of words
    return tf.strings.length(words, unit="UTF8_CHAR")  # characters, not bytes
'''

HINTS = [
    "First cut the sentence into words: the lesson's tf.strings.split gives a vector of "
    "them.",
    "tf.strings.length works on every element of a string tensor at once.",
    "Check 'café': a string tensor holds UTF-8 bytes, and é takes 2 of them. "
    "tf.strings.length counts bytes unless you give it another unit.",
]

WORDS = ["wolf", "fox", "dog", "lazy", "Gray", "quick", "café", "naïve", "Grüße", "über",
         "jalapeño", "π", "Ελλάδα", "アヒル", "🦆", "🥳👍"]


def grade(student, rng):
    """Run word_lengths on three random sentences with accented letters, kana and emoji."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        call,
        compare,
        no_python_loops,
        require,
        require_tensor,
    )

    word_lengths = require(student, "word_lengths", "word_lengths(sentence)")
    wide = [w for w in WORDS if len(w.encode()) > len(w)]  # words of more bytes than characters
    emoji = [w for w in WORDS if any(ord(ch) > 0xFFFF for ch in w)]  # 4 bytes, 2 in UTF-16
    for _ in range(3):
        count = int(rng.integers(3, 7))
        words = [str(w) for w in rng.choice(WORDS, count - 2)] + [str(rng.choice(wide)),
                                                                   str(rng.choice(emoji))]
        words = [words[i] for i in rng.permutation(count)]
        sentence = " ".join(words)
        at = f"sentence = {sentence!r}"
        result = call(word_lengths, tf.constant(sentence))
        require_tensor(result, f"for {at} word_lengths", "count with TF's string ops")
        if result.shape.rank == 0:
            raise Problem(f"for {at} word_lengths gives one number for the whole sentence; "
                          f"it should give one per word ({count} here)")
        if not result.dtype.is_integer:
            raise Problem(f"for {at} word_lengths gives {result.dtype.name} counts: a count "
                          f"of characters is a whole number, so keep it an integer")
        got = as_array(result, f"for {at} your counts", (count,))
        in_bytes = np.array([len(w.encode()) for w in words])
        if np.array_equal(got, in_bytes):
            word = next(w for w in words if len(w.encode()) > len(w))
            raise Problem(f"for {at} you count {len(word.encode())} for {word!r}, its UTF-8 "
                          f"bytes, but it has {len(word)} characters")
        compare(got, np.array([len(w) for w in words], dtype=np.float64), "your count",
                f"{sentence!r}", "counts")
    no_python_loops(word_lengths, "word_lengths")
    return Feedback.ok()
