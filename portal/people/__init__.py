"""Profiles: a participant's answers, shown only to those who may see them."""
