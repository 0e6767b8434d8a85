"""Pure scoring and statistics for the child-friendly ward standard.

This package never imports Flask or SQLAlchemy: it works on plain numbers and
dataclasses so a score can be recomputed anywhere from its stored inputs.
"""
