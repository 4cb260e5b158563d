"""tfbasics: learn TensorFlow's fundamentals by running them, every result verified."""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# Public name -> module. Loaded on first use, so `import tfbasics` does not import TensorFlow.
_EXPORTS = {
    "gradient": "gradients",
    "compiled_gradient": "gradients",
    "sweep": "gradients",
    "derivatives": "gradients",
    "Check": "checks",
    "check_close": "checks",
    "check_raises": "checks",
    "check_gradient": "gradcheck",
    "GradientCheck": "gradcheck",
    "taylor_test": "taylor",
    "TaylorTest": "taylor",
    "explain_none": "doctor",
    "plot_sensitivity": "plots",
    "plot_derivatives": "plots",
    "plot_matrix": "plots",
    "plot_fit": "plots",
    "plot_curves": "plots",
    "plot_series": "plots",
    "plot_taylor": "plots",
    "plot_step_error": "plots",
    "gradient_field": "sensitivity",
    "input_sensitivity": "sensitivity",
    "gradient_times_input": "sensitivity",
    "integrated_gradients": "sensitivity",
    "IntegratedGradients": "sensitivity",
    "GradientField": "sensitivity",
    "plot_gradient_field": "sensitivity_plots",
    "plot_attributions": "sensitivity_plots",
    "plot_completeness": "sensitivity_plots",
    "choose_device": "devices",
    "visible_devices": "devices",
    "short_name": "devices",
    "import_tensorflow_quietly": "quiet",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    """Import a public helper from its module on first use."""
    if name not in _EXPORTS:
        raise AttributeError(f"module 'tfbasics' has no attribute {name!r}")
    return getattr(importlib.import_module(f"tfbasics.{_EXPORTS[name]}"), name)


def __dir__() -> list[str]:
    """List the public helpers with the module's own names."""
    return sorted([*globals(), *__all__])
