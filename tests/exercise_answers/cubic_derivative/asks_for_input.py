# expect: FAIL your code waited for input (input() at line 7)
import numpy as np


def dL_dw(w):
    # asks how many terms: a check types nothing
    n = int(input("how many terms? "))
    return 4 + 3 * w**2
