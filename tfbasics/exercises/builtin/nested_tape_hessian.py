"""Write the tape code: the Hessian of L(w) = ½wᵀAw + Σ sin(w) with nested tapes.

Write hessian(w, A) with two tf.GradientTapes: for a vector variable w and a symmetric matrix
A, return the (n, n) matrix of second derivatives of L. The check compares it with the
Hessian derived by hand, at random w and A of random sizes, and checks that the tapes
compute both derivatives.
"""

LESSON = "advanced_autodiff"
ORDER = 3
KIND = "write the tape code"

STUB = '''\
"""Exercise nested_tape_hessian: the Hessian of L(w) = ½wᵀAw + Σ sin(w).

w is an (n,) tf.Variable and A a symmetric (n, n) float32 tensor. Record L, then its
gradient, on tapes, and return the Hessian: an (n, n) tensor, H[i, j] = d²L/dw[i]dw[j].
Check it: python -m tfbasics.exercises check nested_tape_hessian
"""
import tensorflow as tf


def hessian(w, A):
    ...  # record L and its gradient on tapes here
    return ...
'''

SOLUTION = '''\
"""Exercise nested_tape_hessian: the Hessian of L(w) = ½wᵀAw + Σ sin(w).

w is an (n,) tf.Variable and A a symmetric (n, n) float32 tensor. Record L, then its
gradient, on tapes, and return the Hessian: an (n, n) tensor, H[i, j] = d²L/dw[i]dw[j].
Check it: python -m tfbasics.exercises check nested_tape_hessian
"""
import tensorflow as tf


def hessian(w, A):
    with tf.GradientTape() as t2:
        with tf.GradientTape() as t1:
            L = 0.5 * tf.tensordot(w, tf.linalg.matvec(A, w), 1) + tf.reduce_sum(tf.sin(w))
        g = t1.gradient(L, w)  # recorded by t2: Aw + cos(w)
    return t2.jacobian(g, w)  # A - diag(sin w)
'''

HINTS = [
    "A Hessian is the Jacobian of the gradient: one tape for L's gradient g, and a second "
    "tape that records how g was computed from w.",
    "Put the inner tape's `with` block, and the call to its gradient, inside the outer tape's "
    "`with` block.",
    "tape.gradient of a vector gives the gradient of its sum (one number per element of w); "
    "the outer tape's jacobian(g, w) gives the whole (n, n) matrix.",
]


def grade(student, rng):
    """Run hessian at three random (w, A), n = 1 then twice one n from 2 to 5 (two different
    A), with every tape's answer doubled: a
    Hessian from the tapes is then 4·(A - diag(sin w)). Anything else is run again as given,
    to say what is wrong."""
    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        as_array,
        at_point,
        call,
        compare,
        points,
        require,
        tape_scaled,
        uses,
    )

    hessian = require(student, "hessian", "hessian(w, A)")
    # n = 1 (the Hessian is still a 1×1 matrix), then one larger size twice with two different
    # A, so an answer that keeps the first A of a size, or squeezes the matrix, is caught
    larger = int(rng.integers(2, 6))
    previous = None
    for n in (1, larger, larger):
        B = np.round(rng.uniform(-2.0, 2.0, (n, n)), 2)
        A = ((B + B.T) / 2).astype(np.float32)  # symmetric
        if previous is not None and previous.shape == A.shape and np.allclose(previous, A):
            A = A + np.eye(n, dtype=np.float32)  # the same size, never the same A
        previous = A
        [w] = points(rng, (n,), count=1)
        at = f"{at_point(['w'], [w])} (and a random symmetric {n}×{n} A)"
        expected = A.astype(np.float64) - np.diag(np.sin(w.astype(np.float64)))
        # With every tape's answer doubled, a Hessian that is a tape's derivative of a tape's
        # gradient is 4 times as large: right, and from the tapes, in one call
        scaled, asked = tape_scaled(hessian, tf.Variable(w), tf.constant(A))
        if asked >= 2 and tf.is_tensor(scaled) and tuple(scaled.shape) == (n, n) and \
                np.allclose(scaled.numpy(), 4 * expected, rtol=1e-3, atol=1e-4):
            continue
        H = call(hessian, tf.Variable(w), tf.constant(A))  # what is wrong, said in detail
        if H is None:
            raise Problem(f"at {at} hessian returned None: the tape you asked never saw the "
                          f"gradient being computed from w (was it recording then?)")
        got = as_array(H, "the Hessian")
        if got.shape == (n,) and np.allclose(got, expected.sum(axis=0), rtol=1e-3, atol=1e-4):
            raise Problem(f"at {at} the Hessian has shape ({n},), but it should have shape "
                          f"({n}, {n}): you got the gradient of the gradient's sum, one "
                          f"number per element of w, not every pair of elements")
        compare(H, expected, "the Hessian", at, "H")
        # right, but not (all) from the tapes: a closed form does not scale with them, and a
        # tape's derivative of a gradient written by hand only doubles
        uses(hessian, "hessian", ["GradientTape"],
             "computes it with nested tf.GradientTape blocks")
        if asked < 2:  # the gradient, then its Jacobian
            raise Problem("the exercise asks that hessian compute it with nested "
                          "tf.GradientTape blocks, each asked once; yours asks a tape fewer "
                          "times (a closed form beside an unused tape?)")
        scaled = as_array(scaled, "the Hessian")
        for times, why in ((1, "none of it comes from the tapes: it is computed another way, "
                               "beside them"),
                           (2, "only one derivative comes from a tape: the other is written "
                               "out by hand")):
            if scaled.shape == expected.shape and np.allclose(scaled, times * expected,
                                                              rtol=1e-3, atol=1e-4):
                raise Problem(f"at {at} your Hessian is right, but {why}; the exercise asks "
                              f"that the tapes compute both derivatives")
        raise Problem(f"at {at} your Hessian is right, but it does not change as the tapes' "
                      f"answers do: the exercise asks that the tapes compute both derivatives")
    return Feedback.ok()
