"""The lessons, in course order, and the contract every lesson module follows.

A lesson is one module in this package, named after the TF guide page it follows and listed
in `COURSE`. The machinery that reads, runs and shows lessons lives in `tfbasics.course`.
Adding a lesson? It must:

1. Open with a docstring: the title on the first line, a blank line, two or three short
   paragraphs on why the topic matters, and a last line `Guide: <url>` (or `Guides: ...`).
2. Define `EXAMPLES`, the list of its example functions in the order they run.
3. Write each example as a function whose docstring explains it in two to six sentences in
   the guide's voice (what happens, and why). A paragraph that is display math, `$$ ... $$`,
   shows in the notebooks only. The body has two parts:
   - the code a student types: real TF written out in full, the closed form in a comment
     beside it, lines of at most 80 columns. It runs as it is when pasted after the lesson's
     imports (so no early `return`), and `print`s what a student should look at: the
     course shows what it printed as TF's own output;
   - then, after a line `# Verify`, the verification: NumPy or hand-derived answers and one
     `return [check_close(..., by="where the answer comes from"), ...]`. It is not shown as
     code; each check is shown as a one-line claim.
   - A check example takes no parameters and returns its checks; without a `# Verify` line,
     only its final `return` is verification.
   - A figure example takes one parameter, `figures_dir` (a `pathlib.Path`), writes one PNG
     there with a `tfbasics.plot_*` helper, and ends with `return path`.
4. Give the same checks when an example runs twice in one process, as a student re-running a
   notebook cell does: make `tf.function`s and counters inside the example, seed randomness.
5. Put what the examples share (helper functions, classes, constants) at the top level; the
   course shows each before the first example that uses it, so an example must not assign a
   name that the module defines.
6. Optionally define `configure()`, which runs before TF starts its devices (e.g. to split
   the CPU into logical devices); keep process plumbing in `tfbasics.course`, out of sight.
"""

# Course order: each lesson builds on the ones before it.
COURSE = ("tensors", "variables", "autodiff", "advanced_autodiff", "graphs", "modules",
          "sensitivity", "devices")
