"""The people import's upload form."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class UploadForm(FlaskForm):
    file = FileField(
        "People CSV", validators=[FileRequired("Choose a CSV file to upload.")],
        description="Columns: name, email, department, job title, location, manager's email (UTF-8, header on the "
                    "first line). Other columns are ignored.",
    )
