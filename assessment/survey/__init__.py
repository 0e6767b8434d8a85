"""Criterion-13 survey statistics: the formula, counts, intervals, weighting, targets, band
certainty, group differences and small-cell suppression. Pure functions on plain counts."""
