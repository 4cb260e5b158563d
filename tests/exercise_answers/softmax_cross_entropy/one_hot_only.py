# expect: FAIL where the tape gives
# right for one-hot y only: picks the target class by argmax
import numpy as np


def dL_dz(z, y):
    softmax = np.exp(z) / np.sum(np.exp(z))
    target = np.zeros_like(y)
    target[np.argmax(y)] = 1.0
    return softmax - target
