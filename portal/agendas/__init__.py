"""Session agendas per programme: the Markdown files in content/agendas until an admin edits them."""
