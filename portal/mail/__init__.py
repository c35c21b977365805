"""Outgoing email: `send` stores a message and queues its delivery; the job (`tasks.py`) delivers it."""
from portal.mail.outbox import message, send, send_in_batches, send_many, send_template

__all__ = ["message", "send", "send_in_batches", "send_many", "send_template"]
