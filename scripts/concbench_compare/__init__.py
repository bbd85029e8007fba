"""scripts/compare: a regression verdict on two concbench results files, with known error rates.

load (files -> Runs, refusing what is not one) -> decide (pair benchmarks, check that the two
runs can be compared, test every benchmark x metric, correct for their number, give verdicts:
plain data) -> render (Markdown for a CI summary or a pull-request comment, JSON of verdicts).
stats holds the statistics and knows nothing of benchmarks; settings the thresholds.
"""
