"""Rule versions as the app sees them: shipped files and the versions wards saved, one resolver."""
