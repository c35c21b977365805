"""The admin pairing console: the matching algorithm's proposals, edited and published by admins."""
