"""Blueprints: routes only; state changes live in survey_app.services."""
