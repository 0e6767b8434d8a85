"""Printed and downloaded documents: posters and QR codes, paper questionnaires, the dossier
PDF and XLSX, CSV/XLSX export helpers. Pure renderers on plain data: no request, no database."""
