"""After an event: materials, attendance certificates (PDF, public verification) and
feedback (incontri e formazione, issue 14)."""
