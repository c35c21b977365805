"""Leaving a programme: it happens, and the portal makes it tidy for everyone involved."""
