"""The registration questionnaire: questions admins edit, answers participants give."""
