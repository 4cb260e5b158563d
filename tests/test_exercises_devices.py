"""The devices exercises: each solution passes; the stub, typical wrong answers and a
hard-coded answer fail with a diagnosis that names where, never the answer.

They need two logical CPUs, which an exercise's configure() makes only before TensorFlow starts
its devices, and pytest's TensorFlow has started. So every case below is graded as `check`
grades it, by the real grading process, `python -m tfbasics.exercises.run SEED NAME=FILE ...`,
run once for the whole file (TF starts once); each test reads the verdicts of its cases.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import solution, stub, with_body

from tfbasics.exercises.run import MARKER

ROOT = Path(__file__).resolve().parent.parent
SEED = 0  # one process, one seed: each grader draws three rounds of its own from it
# A fresh process importing TensorFlow: the inner loop leaves these to the answer corpus.
pytestmark = pytest.mark.slow



PLACE = "place_on_a_device"
PLACED = ("    with tf.device(device):\n"
          "        c = tf.sin(2.0 * a)  # a lives on another device: TF copies it here first\n")
WHERE = ('    where = c.device.rsplit("device:", 1)[-1]  # "/job:localhost/.../device:CPU:1" → '
         '"CPU:1"\n')
REPLICATE = "replicate_by_hand"
MIRRORED = "mirrored_gradient"
SHARE = "L = tf.reduce_sum(per_example_loss) / global_batch_size  # this replica's share"

CASES = {
    "place: solution": (PLACE, solution(PLACE)),
    "place: stub": (PLACE, stub(PLACE)),
    "place: outside the block": (PLACE, with_body(PLACE, PLACED, "    c = tf.sin(2.0 * a)\n")),
    "place: the full name": (PLACE, with_body(PLACE, WHERE, "    where = c.device\n")),
    "place: the name given": (PLACE, with_body(PLACE, WHERE, "    where = device\n")),
    "place: hard-coded": (PLACE, with_body(PLACE, WHERE, '    where = "CPU:1"\n')),
    "place: wrong value": (PLACE, with_body(PLACE, "c = tf.sin(2.0 * a)", "c = tf.sin(a) * 2")),
    "place: NumPy returned": (PLACE, with_body(PLACE, "return c, where",
                                               "return c.numpy(), where")),
    "place: raises": (PLACE, with_body(PLACE, "c = tf.sin(2.0 * a)", "c = tf.sin(2.0 * b)")),
    "place: echoes the device asked for": (PLACE, with_body(
        PLACE, WHERE, '    where = "CPU:" + device[-1]\n')),
    "replicate: solution": (REPLICATE, solution(REPLICATE)),
    "replicate: Python's sum": (REPLICATE, with_body(
        REPLICATE, "total = tf.add_n(products)", "total = sum(products)")),
    "replicate: stub": (REPLICATE, stub(REPLICATE)),
    "replicate: no tf.device": (REPLICATE, with_body(
        REPLICATE, "        with tf.device(device):\n            products.append(",
        "        if True:\n            products.append(")),
    "replicate: hard-coded devices": (REPLICATE, with_body(
        REPLICATE, "for device in devices:", 'for device in ["/CPU:0", "/CPU:1"]:')),
    "replicate: one product": (REPLICATE, with_body(
        REPLICATE, "total = tf.add_n(products)", "total = products[0]")),
    "replicate: NumPy products": (REPLICATE, with_body(
        REPLICATE, "return total, products", "return total, [p.numpy() for p in products]")),
    "mirrored: solution": (MIRRORED, solution(MIRRORED)),
    "mirrored: stub": (MIRRORED, stub(MIRRORED)),
    "mirrored: one tape, no strategy": (MIRRORED, with_body(
        MIRRORED, "    per_replica = strategy.run(replica_step, args=(x_parts, y_parts))\n"
        "    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, axis=None)\n",
        "    parts = strategy.experimental_local_results\n"
        "    return replica_step(tf.concat(parts(x_parts), 0), tf.concat(parts(y_parts), 0))\n")),
    "mirrored: local mean": (MIRRORED, with_body(
        MIRRORED, SHARE, "L = tf.reduce_mean(per_example_loss)")),
    "mirrored: MEAN reduce": (MIRRORED, with_body(
        MIRRORED, "ReduceOp.SUM", "ReduceOp.MEAN")),
    "mirrored: local mean, MEAN reduce": (MIRRORED, with_body(
        MIRRORED, SHARE, "L = tf.reduce_mean(per_example_loss)").replace(
        "ReduceOp.SUM", "ReduceOp.MEAN")),
    "mirrored: compute_average_loss": (MIRRORED, with_body(
        MIRRORED, SHARE, "L = tf.nn.compute_average_loss(per_example_loss, "
        "global_batch_size=global_batch_size)")),
    "mirrored: compute_average_loss, no size": (MIRRORED, with_body(
        MIRRORED, SHARE, "L = tf.nn.compute_average_loss(per_example_loss)")),
    "mirrored: in a tf.function": (MIRRORED, with_body(
        MIRRORED, "    per_replica = strategy.run(",
        "    per_replica = tf.function(strategy.run)(")),
    "mirrored: not reduced": (MIRRORED, with_body(
        MIRRORED, "    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica, "
        "axis=None)", "    return per_replica")),
    "mirrored: hard-coded batch size": (MIRRORED, with_body(
        MIRRORED, SHARE, "L = tf.reduce_sum(per_example_loss) / 8")),
    "mirrored: raises": (MIRRORED, with_body(
        MIRRORED, "(tf.linalg.matvec(x_part, w) - y_part)", "(tf.linalg.matvec(x_part, v) "
        "- y_part)")),
}


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    """Grade every case in one grading process; return {case: its verdict}."""
    folder = tmp_path_factory.mktemp("devices_exercises")
    jobs = []
    for number, (name, text) in enumerate(CASES.values()):
        path = folder / f"case_{number:02d}.py"
        path.write_text(text, encoding="utf-8")
        jobs.append(f"{name}={path}")
    run = subprocess.run([sys.executable, "-m", "tfbasics.exercises.run", str(SEED), *jobs],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    results = [json.loads(line[len(MARKER):]) for line in run.stdout.splitlines()
               if line.startswith(MARKER)]
    assert run.returncode == 0 and len(results) == len(CASES), run.stderr[-3000:]
    assert [result["name"] for result in results] == [name for name, _ in CASES.values()]
    return dict(zip(CASES, results, strict=True))


def message(verdicts, case):
    """Return a failing case's one-line message (it must fail, without a traceback)."""
    result = verdicts[case]
    assert not result["passed"], case
    assert "Traceback" not in result["message"] and "\n" not in result["message"]
    return result["message"]


@pytest.mark.parametrize("name", ["place", "replicate", "mirrored"])
def test_the_solution_passes_and_the_stub_fails_helpfully(verdicts, name):
    assert verdicts[f"{name}: solution"]["passed"], verdicts[f"{name}: solution"]
    assert "still returns ... as the exercise gave it" in message(verdicts, f"{name}: stub")


def test_place_on_a_device_wrong_answers(verdicts):
    outside = message(verdicts, "place: outside the block")
    assert "c ran on CPU:" in outside and ", not on CPU:" in outside
    assert "the full device name '/job:localhost/replica:0/task:0/device:CPU:" in message(
        verdicts, "place: the full name")
    assert "where is the device you were given" in message(verdicts, "place: the name given")
    assert "c is wrong in c[" in message(verdicts, "place: wrong value")
    assert "return the tensor c itself" in message(verdicts, "place: NumPy returned")
    line = next(number for number, text in enumerate(
        CASES["place: raises"][1].splitlines(), 1) if "2.0 * b" in text)
    assert message(verdicts, "place: raises").startswith(
        f"your code raised NameError at line {line}: name 'b'")


def test_place_on_a_device_hard_coded_answer_fails(verdicts):
    # right for CPU:1, the first device the check asks for; not for CPU:0, the second
    assert "you reported 'CPU:1', but c ran on CPU:0" in message(verdicts, "place: hard-coded")


def test_replicate_by_hand_wrong_answers(verdicts):
    assert "products[1] ran on CPU:0, not on /CPU:1" in message(
        verdicts, "replicate: no tf.device")
    assert "total is 1 times a @ b" in message(verdicts, "replicate: one product")
    assert "keep the tensors themselves" in message(verdicts, "replicate: NumPy products")


def test_replicate_by_hand_hard_coded_devices_fail(verdicts):
    # right for the first list, two devices; the second list has three
    assert "products holds 2 tensors: it should hold one per device" in message(
        verdicts, "replicate: hard-coded devices")


def test_mirrored_gradient_wrong_answers(verdicts):
    # the first batch is split evenly: local means summed are twice the whole batch's mean
    assert "it is twice the whole batch's: each replica divided by its own number" in message(
        verdicts, "mirrored: local mean")
    assert "it is half the whole batch's" in message(verdicts, "mirrored: MEAN reduce")
    # averaging local means is right for an even split, wrong for the uneven ones after it
    for case in ("mirrored: local mean, MEAN reduce", "mirrored: compute_average_loss, no size"):
        text = message(verdicts, case)
        assert "weighs the examples of the smaller replica more" in text, text
    assert "returns one gradient per replica" in message(verdicts, "mirrored: not reduced")
    line = next(number for number, text in enumerate(
        CASES["mirrored: raises"][1].splitlines(), 1) if "matvec(x_part, v)" in text)
    assert message(verdicts, "mirrored: raises").startswith(
        f"your code raised NameError at line {line}: name 'v'")


def test_the_technique_is_checked_once_the_answer_is_right(verdicts):
    assert "report where c ran, read from c, not the device asked for" in message(verdicts,
                                                       "place: echoes the device asked for")
    assert "adds the products with tf.add_n" in message(verdicts, "replicate: Python's sum")
    assert "with strategy.run and sums with strategy.reduce" in message(
        verdicts, "mirrored: one tape, no strategy")


def test_mirrored_gradient_other_right_answers(verdicts):
    for case in ("mirrored: compute_average_loss", "mirrored: in a tf.function"):
        assert verdicts[case]["passed"], (case, verdicts[case])


def test_mirrored_gradient_hard_coded_batch_size_fails(verdicts):
    # dividing by 8 is right only for batches of 8; the check's batches have other sizes too
    assert "your gradient is wrong" in message(verdicts, "mirrored: hard-coded batch size")
