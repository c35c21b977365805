"""Reminders by email: who is due (rules.py) and sending each reminder once (send.py)."""
