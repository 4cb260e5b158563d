"""The sensitivity lesson: every example's values against hand derivations and NumPy.

`computed_by_name` runs an example twice (it must give the same checks) and asserts each
check passed; the values are then compared here with numbers worked out independently: the
loss's gradient by hand, NumPy's least squares, the rule that made the labels, a NumPy
forward pass of the trained weights, and the known orders of the integration rules.
"""

import numpy as np
import pytest
from conftest import checks_of, computed_by_name

from tfbasics.lessons import sensitivity

X = np.linspace(-2.0, 2.0, 21).astype(np.float32)
Y = (3 * X + 2 + 0.5 * np.sin(3 * X)).astype(np.float64)


def test_every_check_example_passes_twice_over():
    for example in sensitivity.EXAMPLES:
        if example.__code__.co_argcount == 0:
            checks_of(example)


def test_the_field_is_the_hand_derived_gradient():
    values = computed_by_name(sensitivity.the_gradient_of_a_loss_over_a_grid)
    a, b = np.meshgrid(np.linspace(-1.0, 6.0, 15), np.linspace(-2.0, 5.0, 15))
    r = a[..., None] * X + b[..., None] - Y  # L = mean(r²): dL/da = 2·mean(r·x)
    np.testing.assert_allclose(values["dL/da on the 15×15 grid"], 2 * np.mean(r * X, -1),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(values["dL/db"], 2 * np.mean(r, -1), rtol=1e-5,
                               atol=1e-5)


def test_descent_ends_at_the_least_squares_line():
    values = computed_by_name(sensitivity.the_gradient_of_a_loss_over_a_grid)
    # the normal equations for y ≈ a·x + b, solved by hand: x is symmetric about 0
    a = np.sum(X * Y) / np.sum(X.astype(np.float64) ** 2)
    b = np.mean(Y)
    np.testing.assert_allclose(values["(a, b) after 60 steps"], [a, b], atol=1e-4)


def test_the_model_learned_the_rule():
    values = computed_by_name(sensitivity.a_model_trained_on_four_pixels)
    assert values["test accuracy"] >= 0.98


def numpy_model(model):
    """Return the trained model's logit and its gradient, from its weights, in NumPy."""
    w1, b1, w2, b2 = (w.astype(np.float64) for w in model.get_weights())

    def logit(x):
        return np.tanh(x.reshape(len(x), 64) @ w1 + b1) @ w2[:, 0] + b2[0]

    def gradient(x):  # W1·((1 - tanh²(x·W1 + b1))·w2), back to 8×8
        t = np.tanh(x.reshape(len(x), 64) @ w1 + b1)
        return (((1 - t**2) * w2[:, 0]) @ w1.T).reshape(x.shape)

    return logit, gradient


def known_share(attributions):
    """Return the share of Σ|attributions| over the images that sits on the known pixels."""
    mass = np.abs(attributions).sum(axis=0)
    rows, columns = zip(*sensitivity.KNOWN_PIXELS, strict=True)
    return mass[rows, columns].sum() / mass.sum()


def test_saliency_and_integrated_gradients_find_the_known_pixels():
    # the lesson's claims, and the same shares from the weights in NumPy (saliency, and
    # integrated gradients by a 200-point midpoint rule)
    saliency = computed_by_name(sensitivity.saliency_lights_up_the_known_pixels)
    assert saliency["at least 90% of saliency on the 4 known pixels"] is True
    assert saliency["the largest share of another pixel"] <= 0.01
    ig = computed_by_name(sensitivity.integrated_gradients_share_out_the_logit)
    assert ig["at least 90% of IG on the 4 known pixels"] is True
    assert ig["IG's largest share of another pixel"] <= 0.01
    _, gradient = numpy_model(sensitivity.train_classifier())
    x = sensitivity.images(200, seed=2)[0].astype(np.float64)
    assert known_share(gradient(x)) >= 0.9
    mean = sum(gradient((k + 0.5) / 200 * x) for k in range(200)) / 200
    assert known_share(x * mean) >= 0.9


def test_the_criterion_fails_for_shuffled_labels():
    # the must-fail twin: a model that learned noise spreads its attribution over all pixels
    values = computed_by_name(sensitivity.shuffled_labels_leave_nothing_to_find)
    share = values["IG's share on the known pixels"]
    assert share < 0.9 and abs(share - 4 / 64) < 0.05
    _, gradient = numpy_model(sensitivity.train_classifier(shuffle_labels=True))
    x = sensitivity.images(200, seed=2)[0].astype(np.float64)
    assert known_share(gradient(x)) < 0.2  # its saliency spreads out too


def test_completeness_against_a_numpy_forward_pass():
    logit, _ = numpy_model(sensitivity.train_classifier())
    x = sensitivity.images(200, seed=2)[0].astype(np.float64)
    values = computed_by_name(sensitivity.integrated_gradients_share_out_the_logit)
    total = np.asarray(values["Σ attributions of each image"])
    np.testing.assert_allclose(total, logit(x) - logit(0 * x), atol=1e-2)


def test_the_linear_model_is_exact():
    values = computed_by_name(sensitivity.completeness_against_steps)
    assert np.max(np.abs(values["its completeness error"])) < 1e-5


def test_the_observed_orders_are_the_rules_orders():
    values = computed_by_name(sensitivity.completeness_against_steps)
    assert abs(values["the trapezoid rule's observed order"] - 2.0) < 0.15
    assert abs(values["a left Riemann sum's observed order"] - 1.0) < 0.15


def test_saliency_misses_the_saturated_unit_and_ig_does_not():
    values = computed_by_name(sensitivity.a_saturated_unit_fools_saliency)
    assert values["saliency of x0 and x1"][0] == 0.0  # 10·(1 - tanh²(30)) in float32
    np.testing.assert_allclose(values["IG of x0 and x1"], [np.tanh(30.0), 0.1], rtol=1e-5)


@pytest.mark.slow
def test_the_figures_are_written(tmp_path):
    for example in sensitivity.EXAMPLES:
        if example.__code__.co_argcount == 1:
            path = example(tmp_path)
            assert path.name.startswith("sensitivity_") and path.stat().st_size > 10_000
