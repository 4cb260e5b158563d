"""Write a loop that AutoGraph turns into a graph: the number of Collatz steps to reach 1.

Write collatz_steps(n) as a tf.function whose body is a plain Python while loop over the
tensor n. AutoGraph turns a loop on a tensor condition into a tf.while_loop, so one graph
serves every n. The check compares it with a Python loop for random n, counts its traces,
and looks for the loop in its graph.
"""

LESSON = "graphs"
ORDER = 3
KIND = "write the graph code"
TIME_LIMIT = 20  # a loop whose n never reaches 1 runs forever inside the graph

STUB = '''\
"""Exercise collatz_while_loop: a Python while loop that runs inside a graph.

One Collatz step takes n to n / 2 if n is even and to 3n + 1 if n is odd. collatz_steps(n)
returns how many steps bring n down to 1: 0 for n = 1, 5 for n = 5 (5, 16, 8, 4, 2, 1).
Write its body with a Python while loop. The check calls it with int32 scalar tensors n,
and one graph must serve them all.
Check it: python -m tfbasics.exercises check collatz_while_loop
"""
import tensorflow as tf


@tf.function
def collatz_steps(n):
    steps = 0
    ...  # loop until n is 1, counting the steps
    return ...
'''

SOLUTION = '''\
"""Exercise collatz_while_loop: a Python while loop that runs inside a graph.

One Collatz step takes n to n / 2 if n is even and to 3n + 1 if n is odd. collatz_steps(n)
returns how many steps bring n down to 1: 0 for n = 1, 5 for n = 5 (5, 16, 8, 4, 2, 1).
Write its body with a Python while loop. The check calls it with int32 scalar tensors n,
and one graph must serve them all.
Check it: python -m tfbasics.exercises check collatz_while_loop
"""
import tensorflow as tf


@tf.function
def collatz_steps(n):
    steps = 0
    while n != 1:  # a tensor condition: AutoGraph makes it a tf.while_loop
        if n % 2 == 0:  # and this a tf.cond
            n = n // 2  # // keeps n an int32; / would make it a float
        else:
            n = 3 * n + 1
        steps += 1
    return steps
'''

HINTS = [
    "Write it as you would in plain Python: while n is not 1, take one step and count it. "
    "AutoGraph converts a while loop whose condition is a tensor.",
    "Keep n an integer tensor all through the loop: integer division is //, and a loop "
    "variable may not change its dtype from one iteration to the next.",
    "Do not turn n into a Python number (int(n), n.numpy()): while TF traces, n has no value "
    "yet; the loop has to run in the graph.",
]


def grade(student, rng):
    """Call collatz_steps with n = 1 and four random n below 1000 (int32 tensors); compare
    with a Python loop; require that they share one graph (your file's own calls aside), and
    a while loop in it."""
    import ast

    import numpy as np
    import tensorflow as tf

    from tfbasics.exercises.grading import (
        Feedback,
        Problem,
        call,
        compare,
        own_functions,
        require,
        syntax_tree,
    )

    def steps_to_one(n):  # the reference: the same loop in plain Python
        steps = 0
        while n != 1:
            n = n // 2 if n % 2 == 0 else 3 * n + 1
            steps += 1
        return steps

    collatz_steps = require(student, "collatz_steps", "collatz_steps(n)")
    if not hasattr(collatz_steps, "experimental_get_tracing_count"):
        raise Problem("collatz_steps is a plain Python function: make it a tf.function (the "
                      "exercise is a loop that runs inside a graph)")
    values = [int(n) for n in rng.choice(np.arange(2, 1000), 4, replace=False)]
    traces = None
    for n in [*values[:2], 1, *values[2:]]:
        steps = call(collatz_steps, tf.constant(n, tf.int32), what="collatz_steps")
        dtype = getattr(steps, "dtype", None)
        if dtype is not None and not tf.as_dtype(dtype).is_integer or isinstance(steps, float):
            name = tf.as_dtype(dtype).name if dtype is not None else "float"
            raise Problem(f"collatz_steps(n) for n = {n} is a {name}: a number of steps is a "
                          f"whole number, so keep the count an integer")
        compare(steps, np.float64(steps_to_one(n)), "collatz_steps(n)", f"n = {n}",
                "its value", rtol=0.0, atol=0.0)
        if traces is not None and collatz_steps.experimental_get_tracing_count() > traces:
            raise Problem(f"collatz_steps traced a new graph for n = {n}: one graph should "
                          f"serve every int32 scalar n")
        traces = collatz_steps.experimental_get_tracing_count()
    graph = collatz_steps.get_concrete_function(tf.constant(values[0], tf.int32)).graph
    operations = graph.get_operations()
    types = {op.type for op in operations}
    if types & {"PyFunc", "PyFuncStateless", "EagerPyFunc"}:
        raise Problem("collatz_steps's graph hands n to Python (tf.numpy_function or "
                      "tf.py_function) and the loop runs there, outside the graph: the "
                      "exercise is a loop that runs inside it")
    if not types & {"While", "StatelessWhile"}:
        python_loop = any(isinstance(node, (ast.For, ast.While)) for own in
                          own_functions(collatz_steps) for node in ast.walk(
                              syntax_tree(own) or ast.Module(body=[], type_ignores=[])))
        raise Problem(f"collatz_steps's graph holds no loop, only {len(operations)} "
                      f"operations" + (": the loop ran in Python while TF traced it, unrolled "
                                       "a fixed number of times, so a larger n would need more "
                                       "steps than it has" if python_loop else
                                       ": write the loop as a Python while loop on the "
                                       "tensor n, which AutoGraph turns into a tf.while_loop"))
    return Feedback.ok()
