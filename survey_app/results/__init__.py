"""Survey results: counters, the staff dashboard, flag review, exports and the public results."""
