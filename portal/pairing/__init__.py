"""Mentee-led pairing: the mentor directory, shortlists, requests, approvals and matches."""
