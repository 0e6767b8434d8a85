"""Operations: backups, restores and the retention purge."""
