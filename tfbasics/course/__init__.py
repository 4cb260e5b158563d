"""The course's machinery: the runner's command line, the terminal view, the report records
and JSON, notebook export, and the devices lesson's worker processes.

Content lives elsewhere: the lessons in `tfbasics.lessons`, the exercises in
`tfbasics.exercises.builtin`. The library (`tfbasics`) never imports this package.
"""
