"""Reference data and Italian demo content."""
