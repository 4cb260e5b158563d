# expect: PASS
# keeps the Σy factor of the derivation (it is 1)
import numpy as np


def dL_dz(z, y):
    p = np.exp(z - z.max())
    p /= p.sum()
    return p * np.sum(y) - y
