"""Staff accounts: sign-in sessions, passwords, rate limits and the sign-in pages."""
