"""The staff workspace: criteria entry, the scorecard and the round's workflow."""
