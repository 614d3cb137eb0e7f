"""Exporters: follow-up reminders and the agenda as iCalendar, everything as JSON."""
