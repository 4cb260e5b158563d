"""Device choice: the first GPU TF sees, else the CPU."""

from __future__ import annotations

DEVICE_CHOICES = ("auto", "cpu", "gpu")


def choose_device(name: str = "auto") -> str:
    """Return a TF device string for "auto", "cpu" or "gpu" (auto: a GPU if TF sees one)."""
    if name not in DEVICE_CHOICES:
        raise ValueError(f"unknown device {name!r}: choose one of {', '.join(DEVICE_CHOICES)}")
    import tensorflow as tf

    gpus = tf.config.list_logical_devices("GPU")
    if name == "gpu" and not gpus:
        raise RuntimeError("--device gpu: TensorFlow sees no GPU on this machine; "
                           "use --device cpu or --device auto")
    if name != "cpu" and gpus:
        return gpus[0].name
    return tf.config.list_logical_devices("CPU")[0].name


def visible_devices() -> list[str]:
    """Return the names of the logical devices TF sees, e.g. ['/device:CPU:0']."""
    import tensorflow as tf

    return [device.name for device in tf.config.list_logical_devices()]


def short_name(device: str) -> str:
    """Return the end of a device name: '/job:localhost/.../device:CPU:1' → 'CPU:1'."""
    return device.rsplit("device:", 1)[-1]
