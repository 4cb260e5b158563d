"""Sensitivity: gradient fields and what a model's output depends on

A gradient is a sensitivity: how much an output moves when an input moves. See a loss's
gradient field, then ask a trained model which inputs matter, by saliency and integrated
gradients.

Guides: https://www.tensorflow.org/guide/autodiff and
https://www.tensorflow.org/tutorials/interpretability/integrated_gradients
"""

from __future__ import annotations

import functools
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from tfbasics import (
    input_sensitivity,
    integrated_gradients,
    plot_attributions,
    plot_completeness,
    plot_gradient_field,
)
from tfbasics.checks import Check, check_close

x_line = np.linspace(-2.0, 2.0, 21, dtype=np.float32)
y_line = 3 * x_line + 2 + 0.5 * np.sin(3 * x_line)  # a line, and a wiggle


def line_loss(a, b):  # L(a, b) = mean((a·x + b - y)²): one L per point (a, b)
    residual = a[..., None] * x_line + b[..., None] - y_line
    return tf.reduce_mean(residual**2, axis=-1)


def line_gradient(a, b):
    """Return (dL/da, dL/db) by hand: 2·mean(r·x) and 2·mean(r)."""
    r = a[..., None] * x_line + b[..., None] - y_line
    return 2 * np.mean(r * x_line, axis=-1), 2 * np.mean(r, axis=-1)


def descend(a0, b0, lr=0.1, num_steps=60):  # the points it visits from (a0, b0)
    a, b = tf.Variable(a0), tf.Variable(b0)
    points = [(a0, b0)]
    for _ in range(num_steps):
        with tf.GradientTape() as tape:
            L = line_loss(a, b)
        dL_da, dL_db = tape.gradient(L, [a, b])
        a.assign_sub(lr * dL_da)  # a step against the gradient
        b.assign_sub(lr * dL_db)
        points.append((float(a), float(b)))
    return np.array(points)


def the_gradient_of_a_loss_over_a_grid() -> list[Check]:
    """Evaluate the loss of a line fit at every point of a grid of (a, b), on one tape.

    One gradient of ΣL holds each point's own; gradient descent down it ends at the least-squares
    fit.
    """
    a, b = tf.meshgrid(tf.linspace(-1.0, 6.0, 15), tf.linspace(-2.0, 5.0, 15))
    with tf.GradientTape() as tape:
        tape.watch([a, b])  # tensors, not variables: watch them
        L = line_loss(a, b)  # shape (15, 15): one L per grid point
    dL_da, dL_db = tape.gradient(L, [a, b])  # of ΣL: each point's own gradient
    print(L.shape, dL_da.shape)
    points = descend(0.0, -1.0)
    print(points[-1])  # where 60 steps end
    # Verify
    grid = np.meshgrid(np.linspace(-1.0, 6.0, 15), np.linspace(-2.0, 5.0, 15))
    by_hand = line_gradient(*grid)
    design = np.stack([x_line, np.ones_like(x_line)], axis=1).astype(np.float64)
    exact = np.linalg.lstsq(design, y_line, rcond=None)[0]
    downhill = -0.1 * np.stack(line_gradient(points[:-1, 0], points[:-1, 1]), axis=1)
    return [
        check_close("dL/da on the 15×15 grid", dL_da, by_hand[0], rtol=1e-5, atol=1e-5,
                    by="by hand 2·mean(r·x)"),
        check_close("dL/db", dL_db, by_hand[1], rtol=1e-5, atol=1e-5,
                    by="by hand 2·mean(r)"),
        check_close("each descent step", np.diff(points, axis=0), downhill, rtol=1e-4,
                    atol=1e-5, by="-lr·∇L by hand"),
        check_close("(a, b) after 60 steps", points[-1], exact, atol=1e-4, rtol=0,
                    by="NumPy's least squares"),
    ]


def plot_the_gradient_field(figures_dir: Path) -> Path:
    """Draw L over the plane with the tape's arrows -∇L and the descent path on top.

    `plot_gradient_field` takes the whole field from one tape, as above. The closed form's
    arrows are drawn in black over the tape's: where they cover them, the two agree.
    """
    path = plot_gradient_field(
        line_loss, (-1.0, 6.0), (-2.0, 5.0), num=15,
        analytic=line_gradient,  # black arrows: the closed form
        points=descend(0.0, -1.0),  # the path of gradient descent
        labels=("a", "b"),
        path=figures_dir / "sensitivity_gradient_field.png")
    return path


KNOWN_PIXELS = [(1, 2), (2, 5), (5, 1), (6, 6)]  # the labels depend on these


def images(count, seed):  # 8×8 in [-1, 1]; label 1 if the known pixels sum > 0
    x = np.random.default_rng(seed).uniform(-1, 1, (count, 8, 8))
    rows, columns = zip(*KNOWN_PIXELS, strict=True)
    y = x[:, rows, columns].sum(axis=1) > 0
    return x.astype(np.float32), y.astype(np.float32)


@functools.cache
def train_classifier(shuffle_labels=False):  # a small model, trained on 8192 images
    x, y = images(8192, seed=0)
    if shuffle_labels:  # the same images, their labels dealt out at random
        y = np.random.default_rng(1).permutation(y)
    keras.utils.set_random_seed(0)
    small = keras.initializers.RandomNormal(stddev=0.01)
    model = keras.Sequential([
        keras.Input((8, 8)),
        keras.layers.Flatten(),
        keras.layers.Dense(8, activation="tanh", kernel_initializer=small),
        keras.layers.Dense(1),  # the logit of label 1
    ])
    loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)
    optimizer = keras.optimizers.SGD(learning_rate=2.0)

    @tf.function
    def step():
        with tf.GradientTape() as tape:
            L = loss_fn(y[:, None], model(x))
        grads = tape.gradient(L, model.trainable_variables)
        optimizer.apply_gradients(
            zip(grads, model.trainable_variables, strict=True))

    for _ in range(200):
        step()
    return model


def known_mask():  # an 8×8 array of booleans: True on the known pixels
    mask = np.zeros((8, 8), dtype=bool)
    mask[tuple(zip(*KNOWN_PIXELS, strict=True))] = True
    return mask


def a_model_trained_on_four_pixels() -> list[Check]:
    """Train a small model on images whose label is decided by four known pixels.

    The other 60 pixels are noise, so you know in advance what an attribution should find.
    """
    model = train_classifier()
    x_test, y_test = images(500, seed=2)
    accuracy = np.mean((model(x_test)[:, 0].numpy() > 0) == (y_test == 1))
    print(f"test accuracy {accuracy:.3f}")
    # Verify
    return [check_close("test accuracy", accuracy, 1.0, atol=0.02, rtol=0,
                        by="the labels' rule, within 0.02")]


def saliency_lights_up_the_known_pixels() -> list[Check]:
    """Saliency asks how the model's output moves with each input pixel: |dy/dx|.

    One call gives all 200 maps, as each logit depends on its own image. Their mass sits on 4
    pixels.
    """
    model = train_classifier()
    x = tf.constant(images(200, seed=2)[0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        logits = model(x)[:, 0]
    saliency = tf.abs(tape.gradient(logits, x))  # (200, 8, 8)
    mass = tf.reduce_sum(saliency, axis=0)
    share = (mass / tf.reduce_sum(mass)).numpy()  # each pixel's share
    print(f"share on the known pixels {share[known_mask()].sum():.3f}")
    # Verify
    mask = known_mask()
    return [
        check_close("at least 90% of saliency on the 4 known pixels",
                    bool(share[mask].sum() >= 0.9), True, by="the labels' rule"),
        check_close("the largest share of another pixel", share[~mask].max(), 0.0,
                    atol=0.01, rtol=0, by="noise: 0, within 0.01"),
    ]


def integrated_gradients_share_out_the_logit() -> list[Check]:
    """Integrated gradients average dy/dx along a straight path from a baseline to the image.

    Times x - baseline, they add up to logit(x) - logit(0), up to the trapezoid rule's error.
    """
    model = train_classifier()
    x = images(200, seed=2)[0]
    baseline = np.zeros_like(x)
    alphas = tf.linspace(0.0, 1.0, 51)[:, None, None, None]  # 50 steps
    path = tf.reshape(baseline + alphas * (x - baseline), [-1, 8, 8])
    with tf.GradientTape() as tape:
        tape.watch(path)
        logits = model(path)[:, 0]
    grads = tf.reshape(tape.gradient(logits, path), [51, 200, 8, 8])
    mean_grad = tf.reduce_mean((grads[:-1] + grads[1:]) / 2, axis=0)  # trapezoids
    attributions = (x - baseline) * mean_grad
    mass = tf.reduce_sum(tf.abs(attributions), axis=0)
    share = (mass / tf.reduce_sum(mass)).numpy()
    print(f"share on the known pixels {share[known_mask()].sum():.3f}")
    # Verify
    w1, b1, w2, b2 = (w.astype(np.float64) for w in model.get_weights())

    def numpy_logit(v):  # the model's forward pass, from its weights
        return np.tanh(v.reshape(-1, 64) @ w1 + b1) @ w2[:, 0] + b2[0]

    return [
        check_close("at least 90% of IG on the 4 known pixels",
                    bool(share[known_mask()].sum() >= 0.9), True, by="the labels' rule"),
        check_close("IG's largest share of another pixel", share[~known_mask()].max(), 0.0,
                    atol=0.01, rtol=0, by="noise: 0, within 0.01"),
        check_close("Σ attributions of each image", tf.reduce_sum(attributions, [1, 2]),
                    numpy_logit(x) - numpy_logit(baseline), atol=1e-2, rtol=0,
                    by="NumPy logit(x) - logit(0)"),
    ]


def shuffled_labels_leave_nothing_to_find() -> list[Check]:
    """The check above can fail: train on the same images with shuffled labels.

    Noise spreads the attribution: ~4/64 on the known pixels. `integrated_gradients` is the code
    above.
    """
    model = train_classifier(shuffle_labels=True)
    x = images(200, seed=2)[0]
    ig = integrated_gradients(model, x, steps=50)
    mass = np.abs(ig.attributions).sum(axis=0)
    share = mass / mass.sum()
    print(f"share on the known pixels {share[known_mask()].sum():.3f}")
    # Verify
    return [check_close("IG's share on the known pixels", share[known_mask()].sum(), 4 / 64,
                        atol=0.05, rtol=0, by="4 of 64 pixels, none special")]


def plot_the_attributions(figures_dir: Path) -> Path:
    """Draw one test image, its saliency map and its integrated gradients.

    The known pixels are outlined in green: both maps light them up and leave the noise
    pixels dark. `input_sensitivity` and `integrated_gradients` are the tape code above.
    """
    model = train_classifier()
    x = images(1, seed=2)[0]
    ig = integrated_gradients(model, x, steps=50)
    maps = {"saliency": np.abs(input_sensitivity(model, x))[0],
            "integrated gradients": ig.attributions[0]}
    path = plot_attributions(x[0], maps, marked=known_mask(),
                             path=figures_dir / "sensitivity_attributions.png")
    return path


def completeness_against_steps() -> list[Check]:
    """The completeness error measures the integration rule: it shrinks as steps grow.

    For a linear model y = x·w + b the gradient is w all along the path, so one step gives
    (x - x′)·w exactly. Otherwise the trapezoid rule's error falls as 1/steps², a left Riemann
    sum's as 1/steps.
    """
    keras.utils.set_random_seed(1)
    linear = keras.Sequential([keras.Input((5,)), keras.layers.Dense(1)])
    x = np.random.default_rng(3).normal(size=(4, 5)).astype(np.float32)
    baseline = np.full(5, 0.5, dtype=np.float32)
    ig = integrated_gradients(linear, x, baseline, steps=1)
    print(ig.attributions[0])

    model = train_classifier()
    x_images = images(50, seed=2)[0]
    steps = [8, 16, 32, 64, 128]
    order = {}
    for method in ("trapezoid", "riemann_left"):
        errors = [integrated_gradients(model, x_images, steps=n, method=method)
                  .completeness_error.max() for n in steps]
        slope = np.polyfit(np.log(steps), np.log(errors), 1)[0]
        order[method] = -slope  # error ∝ steps^-order
        print(f"{method}: errors {errors[0]:.1e} ... {errors[-1]:.1e}, "
              f"order {order[method]:.2f}")
    # Verify
    w = linear.layers[0].kernel.numpy()[:, 0].astype(np.float64)
    return [
        check_close("IG of the linear model", ig.attributions, (x - baseline) * w,
                    by="(x - x′)·w by hand"),
        check_close("its completeness error", ig.completeness_error, np.zeros(4), atol=1e-5,
                    by="exact here"),
        check_close("the trapezoid rule's observed order", order["trapezoid"], 2.0,
                    atol=0.15, rtol=0, by="its error ∝ 1/steps²"),
        check_close("a left Riemann sum's observed order", order["riemann_left"], 1.0,
                    atol=0.15, rtol=0, by="its error ∝ 1/steps"),
    ]


def plot_completeness_against_steps(figures_dir: Path) -> Path:
    """Draw the completeness error against the steps on log-log axes.

    The trapezoid rule's line runs parallel to the slope -2 guide, the Riemann sum's to -1.
    """
    x = images(50, seed=2)[0]
    path = plot_completeness(train_classifier(), x,
                             path=figures_dir / "sensitivity_completeness.png")
    return path


def a_saturated_unit_fools_saliency() -> list[Check]:
    """Saliency is blind where a unit saturates; integrated gradients are not.

    At x0 = 3 tanh(10·x0) is flat: dy/dx0 is 0 in float32, yet x0 raised y by ≈ 1. IG sees it.
    """
    def f(x):
        return tf.tanh(10 * x[:, 0]) + 0.1 * x[:, 1]
    x = np.array([[3.0, 1.0]], dtype=np.float32)
    saliency = np.abs(input_sensitivity(f, x))
    ig = integrated_gradients(f, x, steps=100)
    print(saliency, ig.attributions)
    # Verify
    return [
        check_close("saliency of x0 and x1", saliency[0], [0.0, 0.1],
                    by="by hand 10·(1 - tanh²(30)) = 0 in float32, 0.1"),
        check_close("IG of x0 and x1", ig.attributions[0], [np.tanh(30.0), 0.1], rtol=1e-5,
                    by="by hand tanh(30) - tanh(0), 0.1·(1 - 0)"),
    ]


EXAMPLES = [
    the_gradient_of_a_loss_over_a_grid,
    plot_the_gradient_field,
    a_model_trained_on_four_pixels,
    saliency_lights_up_the_known_pixels,
    integrated_gradients_share_out_the_logit,
    shuffled_labels_leave_nothing_to_find,
    plot_the_attributions,
    completeness_against_steps,
    plot_completeness_against_steps,
    a_saturated_unit_fools_saliency,
]
