"""Moderators redact personal data from published posts (the guard is forum/privacy)."""
