"""The resource library: handbooks and session agendas written as Markdown with front matter."""
