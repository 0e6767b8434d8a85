"""Shared infrastructure: config, database, translations, web security, PDF fonts, small helpers."""
