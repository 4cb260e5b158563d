# expect: PASS
# module-level NumPy constants used inside the function
import numpy as np

COEFFICIENTS = np.array([4.0, 3.0])


def dL_dw(w):
    return COEFFICIENTS[0] + COEFFICIENTS[1] * w**2
