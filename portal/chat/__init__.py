"""Announcements to the programme's chat channels (Slack and Microsoft Teams incoming webhooks): the addresses, kept
encrypted, the occasions and their texts, and the jobs that post them once each, retried while a channel is down."""
