"""Calendar connections: a person's own CalDAV or Microsoft 365 calendar, read for busy time and written with the
meetings they organise; Sign in with Microsoft. The calendar protocols live in `calendar_sync/`; this package keeps
the connection rows, the pages and the emails."""
