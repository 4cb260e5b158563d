# expect: PASS
import numpy as np

for i in range(1000):
    print("testing", i)


def dL_dw(w):
    return 4 + 3 * w**2
