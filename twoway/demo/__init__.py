"""Demo marketplace: real product lines, deterministic generators and fast writers.

A plain package (not a Django app): ``twoway seed`` calls :func:`twoway.demo.seeding.seed_run`.
"""
