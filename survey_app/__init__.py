"""The Flask application of the child-friendly ward platform (survey, staff pages, CLI)."""
