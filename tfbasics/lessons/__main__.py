"""Run the lessons: python -m tfbasics.lessons (the command line is tfbasics.course.cli)."""

import os
import sys

from tfbasics.course.cli import main

if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # e.g. piped into `head`: stop quietly, as other tools do
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(141)  # 128 + SIGPIPE, what `yes | head` gives: not a failing check
