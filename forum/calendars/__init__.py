"""Calendars: iCalendar invitations and feeds for events, personal feed tokens,
reminders before events."""
