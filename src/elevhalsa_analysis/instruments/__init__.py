"""The instruments, one module (or folder) each; registry.py finds them.

Each defines `INSTRUMENT`, an `instrument.Instrument`, and imports no other instrument.
"""
