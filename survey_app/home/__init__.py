"""The landing pages: the public home page, the health check and the staff home."""
