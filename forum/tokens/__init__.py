"""Personal access tokens for the REST API: created and revoked in the member's profile."""
