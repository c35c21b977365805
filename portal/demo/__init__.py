"""Demo data: realistic participants so every screen of the portal has something to show."""
