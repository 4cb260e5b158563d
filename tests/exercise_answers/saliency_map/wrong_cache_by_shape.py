# expect: FAIL saliency(model, x) is wrong
import tensorflow as tf

_cache = {}


def saliency(model, x):
    # "speed-up": remembers the map per input shape, so a new model or new x of the same
    # shape gets the old map
    x = tf.convert_to_tensor(x)
    key = tuple(x.shape)
    if key not in _cache:
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = model(x)
        _cache[key] = tf.abs(tape.gradient(y, x))
    return _cache[key]
