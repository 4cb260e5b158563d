"""The modules exercises: each solution passes; the stub, typical wrong answers and a
hard-coded answer fail with a diagnosis that names where, never the answer."""

import pytest
from conftest import solution, stub, with_body

from tfbasics.exercises.run import grade_source


def failure(name, text):
    """Grade a wrong answer; return its one-line message (it must fail, without a traceback)."""
    result = grade_source(name, text)
    assert not result["passed"], name
    assert "Traceback" not in result["message"] and "\n" not in result["message"]
    return result["message"]


NAMES = ["dense_module", "fit_a_line", "restore_a_checkpoint"]


@pytest.mark.parametrize("name", NAMES)
def test_the_solution_passes_and_the_stub_fails_helpfully(name):
    for seed in (0, 1):
        assert grade_source(name, solution(name), seed)["passed"]
    message = failure(name, stub(name))
    assert "..." in message or "does not change them yet" in message, message


def test_the_stubs_messages():
    assert "calling Dense(" in failure("dense_module", stub("dense_module"))
    # the stub's loop body is `...`: train returns a = b = 0 whatever the number of steps
    assert "train(x, y, 1) returns the a and b of train(x, y, 0)" in failure(
        "fit_a_line", stub("fit_a_line"))
    assert failure("restore_a_checkpoint", stub("restore_a_checkpoint")).startswith(
        "save still returns ...")


DENSE_INIT = ('        super().__init__(name=name)  # tf.Module sets up its name and its name '
              'scope\n'
              '        self.w = tf.Variable(tf.random.normal([in_features, out_features]), '
              'name="w")\n'
              '        self.b = tf.Variable(tf.zeros([out_features]), name="b")\n')


def test_dense_module_wrong_answers():
    in_call = with_body("dense_module", DENSE_INIT,
                        "        super().__init__(name=name)\n"
                        "        self.sizes = [in_features, out_features]\n").replace(
        "        return tf.nn.relu(x @ self.w + self.b)",
        "        self.w = tf.Variable(tf.random.normal(self.sizes))\n"
        "        self.b = tf.Variable(tf.zeros(self.sizes[1:]))\n"
        "        return tf.nn.relu(x @ self.w + self.b)")
    assert "a second time replaced its w with a new tf.Variable" in failure(
        "dense_module", in_call)
    no_super = with_body("dense_module", "        super().__init__(name=name)  # tf.Module sets "
                         "up its name and its name scope\n", "")
    message = failure("dense_module", no_super)
    assert ".name raises AttributeError" in message and "never calls" in message
    nameless = with_body("dense_module", "super().__init__(name=name)", "super().__init__()")
    assert ".name is 'dense', not 'layer_0'" in failure("dense_module", nameless)
    no_relu = with_body("dense_module", "return tf.nn.relu(x @ self.w + self.b)",
                        "return x @ self.w + self.b")
    message = failure("dense_module", no_relu)
    assert "the output is wrong in y[" in message and "relu" not in message
    frozen = with_body("dense_module", 'tf.zeros([out_features]), name="b")',
                       'tf.zeros([out_features]), name="b", trainable=False)')
    assert ".trainable_variables holds 1 variable:" in failure("dense_module", frozen)
    tensor = with_body("dense_module", 'tf.Variable(tf.zeros([out_features]), name="b")',
                       "tf.zeros([out_features])")
    assert "its b is a tf.Tensor, which cannot change: it must be a tf.Variable" in failure(
        "dense_module", tensor)
    keras_variable = with_body("dense_module", "self.w = tf.Variable(", "self.w = keras.Variable(")
    keras_variable = keras_variable.replace("import tensorflow as tf\n",
                                            "import keras\nimport tensorflow as tf\n")
    assert "its w is a keras.Variable: a tf.Module tracks tf.Variables only" in failure(
        "dense_module", keras_variable)
    transposed = with_body("dense_module", "[in_features, out_features]",
                           "[out_features, in_features]")
    assert "it should have shape" in failure("dense_module", transposed)


def test_dense_module_hard_coded_sizes_fail():
    hard = with_body("dense_module", "tf.random.normal([in_features, out_features])",
                     "tf.random.normal([3, 2])").replace("tf.zeros([out_features])",
                                                         "tf.zeros([2])")
    message = failure("dense_module", hard)
    assert "it should have shape" in message or "raised" in message, message


TRAIN_STEP = ("        a.assign_sub(lr * dL_da)  # a ← a - lr·dL/da\n"
              "        b.assign_sub(lr * dL_db)\n")


@pytest.mark.slow
def test_fit_a_line_wrong_answers():
    # lr = 1.5: the largest curvature 2·(largest eigenvalue of [[mean x², mean x], [mean x, 1]])
    # is at least 2, so each step multiplies the error along it by at least |1 - 1.5·2| = 2
    too_large = with_body("fit_a_line", "lr = 0.1", "lr = 1.5")
    assert "the learning rate is too large" in failure("fit_a_line", too_large)
    uphill = with_body("fit_a_line", TRAIN_STEP,
                       "        a.assign_add(lr * dL_da)\n        b.assign_add(lr * dL_db)\n")
    assert "your steps go uphill" in failure("fit_a_line", uphill)
    rebound = with_body("fit_a_line", TRAIN_STEP,
                        "        a = a - lr * dL_da\n        b = b - lr * dL_db\n")
    message = failure("fit_a_line", rebound)
    assert "your code raised TypeError at line" in message and "gradient was None" in message
    too_small = with_body("fit_a_line", "lr = 0.1", "lr = 0.001")
    assert "the steps are too small" in failure("fit_a_line", too_small)
    shape = with_body("fit_a_line", "return a, b", "return [a, b]")
    assert grade_source("fit_a_line", shape)["passed"]  # a list of two is fine
    one = with_body("fit_a_line", "return a, b", "return a")
    assert "two numbers" in failure("fit_a_line", one)
    # b never updated: the step moves a only (found by a student review: it said "too small")
    frozen_b = with_body("fit_a_line", "        b.assign_sub(lr * dL_db)\n", "")
    assert "one step moves a but not b" in failure("fit_a_line", frozen_b)
    # L summed, not averaged: each step is N times gradient descent's on the mean
    summed = with_body("fit_a_line", "tf.reduce_mean(", "tf.reduce_sum(")
    assert "is L a sum over the points rather than a mean?" in failure("fit_a_line", summed)
    # too few steps, each one right
    few = with_body("fit_a_line", "for _ in range(num_steps):",
                    "for _ in range(min(num_steps, 5)):")
    assert "does train take num_steps steps?" in failure("fit_a_line", few)


def test_fit_a_line_without_a_tape_fails():
    # gradient descent with the gradient derived by hand: right numbers, not the lesson's tape
    by_hand = with_body("fit_a_line", "        with tf.GradientTape() as tape:\n"
                        "            L = tf.reduce_mean((a * x + b - y) ** 2)\n"
                        "        dL_da, dL_db = tape.gradient(L, [a, b])\n",
                        "        r = a * x + b - y\n"
                        "        dL_da, dL_db = 2 * tf.reduce_mean(r * x), 2 * tf.reduce_mean(r)\n")
    assert "records each step's loss on a tf.GradientTape" in failure("fit_a_line", by_hand)


def test_fit_a_line_hard_coded_answer_fails():
    right_once = with_body("fit_a_line", "    return a, b\n", "    return 2.0, 1.0\n")
    assert "not the start a = b = 0" in failure("fit_a_line", right_once)


SAVE = "    checkpoint = tf.train.Checkpoint(model=module)\n"


def test_restore_a_checkpoint_wrong_answers(tmp_path, monkeypatch):
    renamed = with_body("restore_a_checkpoint", SAVE,
                        "    checkpoint = tf.train.Checkpoint(module=module)\n")
    renamed = renamed.replace(".read(path).assert_consumed()", ".read(path)")
    assert "restore changed none of the fresh module's variables" in failure(
        "restore_a_checkpoint", renamed)
    strict = with_body("restore_a_checkpoint", SAVE,
                       "    checkpoint = tf.train.Checkpoint(module=module)\n")
    message = failure("restore_a_checkpoint", strict)
    assert message.startswith("your code raised AssertionError at line")
    assert "differ between your save and restore" in message and "<tf.Variable" not in message
    trainable_only = solution("restore_a_checkpoint").replace(
        "tf.train.Checkpoint(model=module)", "tf.train.Checkpoint(model=module.trainable_"
        "variables)")
    assert "the checkpoint holds no value for module.steps" in failure(
        "restore_a_checkpoint", trainable_only)
    forgot = with_body("restore_a_checkpoint", "    return checkpoint.write(",
                       "    checkpoint.write(")
    assert "save should return the path it wrote" in failure("restore_a_checkpoint", forgot)
    monkeypatch.chdir(tmp_path)  # the wrong answer writes into the current folder
    here = with_body("restore_a_checkpoint", "os.path.join(folder, \"ckpt\")", "\"ckpt\"")
    assert "outside the folder it was given" in failure("restore_a_checkpoint", here)
    nothing = with_body("restore_a_checkpoint", "    checkpoint.read(path).assert_consumed()",
                        "    pass")
    assert "restore changed none" in failure("restore_a_checkpoint", nothing)


def test_restore_a_checkpoint_other_right_answers():
    numbered = solution("restore_a_checkpoint").replace(
        "checkpoint.write(os.path.join(folder, \"ckpt\"))",
        "checkpoint.save(os.path.join(folder, \"ckpt\"))").replace(
        "checkpoint.read(path).assert_consumed()", "checkpoint.restore(path)")
    assert grade_source("restore_a_checkpoint", numbered, 2)["passed"]


def test_a_hard_coded_checkpoint_path_fails():
    fixed = with_body("restore_a_checkpoint", "    checkpoint.read(path)",
                      "    checkpoint.read(os.path.join(os.path.dirname(path), 'other'))")
    message = failure("restore_a_checkpoint", fixed)
    assert "your code raised" in message or "restore changed none" in message, message


@pytest.mark.slow
def test_fit_a_line_takes_num_steps_steps():
    # 400 steps whatever num_steps says (the 200 the check asks for converge, so 400 do):
    # the fit is right, the task is not done
    ignored = with_body("fit_a_line", "for _ in range(num_steps):", "for _ in range(400):")
    message = failure("fit_a_line", ignored)  # the first steps are replayed: step 0 shows it
    assert "train(x, y, 0) returns" in message and "take num_steps steps" in message
