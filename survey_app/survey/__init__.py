"""The public criterion-13 survey: poster tokens, the questionnaire pages, the submission."""
