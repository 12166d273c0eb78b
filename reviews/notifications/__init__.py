"""Notifications in the app and by email, reminders on a schedule, and the record of every email sent."""
