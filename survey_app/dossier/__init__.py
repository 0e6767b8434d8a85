"""The round's dossier: request letter, assessment report, council minutes (PDF) and XLSX."""
