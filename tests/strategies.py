"""Shared Hypothesis strategies for the verifier's tests: random expressions built twice,
once with TF ops and once with SymPy, so SymPy's derivative is an independent answer."""

import sympy
import tensorflow as tf
from hypothesis import strategies as st

CONSTANTS = [0.5, 1.5, 2.0, -1.25]

# Each node builds the same expression twice: with TF ops (kind 0) and with SymPy (kind 1).
UNARY = {
    "sin": (tf.sin, sympy.sin),
    "cos": (tf.cos, sympy.cos),
    "tanh": (tf.tanh, sympy.tanh),
    "exp": (lambda a: tf.exp(tf.tanh(a)), lambda a: sympy.exp(sympy.tanh(a))),  # bounded
    "log": (lambda a: tf.math.log(1.0 + a * a), lambda a: sympy.log(1 + a * a)),  # safe domain
    "square": (lambda a: a * a, lambda a: a * a),
    "softplus": (tf.nn.softplus, lambda a: sympy.log(1 + sympy.exp(a))),
}
BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
}


def trees(count, unary=tuple(UNARY), max_leaves=8):
    """Expression trees over `count` variables: ("var", i), ("const", c), (op, child, ...),
    with the unary ops named in `unary`."""
    leaves = st.one_of(st.tuples(st.just("var"), st.integers(0, count - 1)),
                       st.tuples(st.just("const"), st.sampled_from(CONSTANTS)))
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.tuples(st.sampled_from(sorted(unary)), children),
            st.tuples(st.sampled_from(sorted(BINARY)), children, children)),
        max_leaves=max_leaves)


def build(tree, variables, kind, constant=None):
    """Build a tree as TF (kind 0) or SymPy (kind 1) from the given variables; TF constants
    through `constant` (default: a constant of the first variable's dtype)."""
    head = tree[0]
    if head == "var":
        return variables[tree[1]]
    if head == "const":
        if kind == 1:
            return sympy.Float(tree[1])
        return constant(tree[1]) if constant else tf.constant(tree[1], variables[0].dtype)
    if head in UNARY:
        return UNARY[head][kind](build(tree[1], variables, kind, constant))
    return BINARY[head][kind](build(tree[1], variables, kind, constant),
                              build(tree[2], variables, kind, constant))
