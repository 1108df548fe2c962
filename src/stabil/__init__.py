"""Stabil: legal deadlines, workload, staff, governance and simulation for municipal child-welfare services."""

__version__ = "0.1.0"
