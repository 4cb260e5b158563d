# expect: FAIL still hold their starting values
def swap(a, b):
    a, b = b, a
