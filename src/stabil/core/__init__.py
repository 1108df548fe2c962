"""The pure domain core of Stabil.

Nothing in this package may import Django (``tests/foundation/test_layers.py`` enforces it). The calendar
and deadline rules, the workload model, the competence rules, statistics and the simulation live here as
plain functions over plain values, so they can be table-tested in microseconds.
"""
