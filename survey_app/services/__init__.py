"""Use cases: each state change is one documented function and one transaction."""
