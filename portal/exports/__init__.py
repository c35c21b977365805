"""Exports: the programme's participants, matches, sessions, feedback, survey answers and follow-ups as CSV."""
