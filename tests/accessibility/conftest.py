"""The real SMTP server of the notification tests, for the accessibility e-mails."""

from tests.notifications.test_mail import inbox  # noqa: F401 - a fixture, used by name
