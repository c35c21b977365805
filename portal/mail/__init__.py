"""Outgoing email: `send` stores a message and queues its delivery; the job delivers it."""
from portal.mail.delivery import EmailMissing, build_message, deliver
from portal.mail.outbox import send, send_template

__all__ = ["EmailMissing", "build_message", "deliver", "send", "send_template"]
