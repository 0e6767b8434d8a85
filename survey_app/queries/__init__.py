"""Read-only queries that feed reports: grouped counts for the survey statistics, review lists."""
