"""Reminders by email: who is due (rules.py), sending each reminder once (send.py), their settings (settings.py)."""
