"""Programmes and their phases."""
