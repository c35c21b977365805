"""The promotion kit: ready-to-paste texts for email, chat and the intranet, and a printable A4 poster with a QR code
to the registration page."""
