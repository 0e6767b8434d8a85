"""Posters and QR codes, the residential-group leader's page, paper questionnaires."""
