"""Administration: settings, questionnaire editor, outbox and audit log."""
