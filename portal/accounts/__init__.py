"""Accounts: registration, login, logout and password reset."""
