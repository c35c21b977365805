"""`flask --app portal import-people FILE.csv`: the same check and the same all-or-nothing import as the page."""
from __future__ import annotations

from portal.models import OrgPerson, PeopleImportRow

GOOD = "name,email,department\nAda Lovelace,ada@example.org,Research\nBob Boss,BOB@example.org,Research\n"


def test_the_command_checks_then_imports_and_a_second_run_changes_nothing(runner, db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(GOOD)

    checked = runner.invoke(args=["import-people", str(path), "--check-only"])
    assert checked.exit_code == 0, checked.output
    assert "Would import: 2 new, 0 updated, 0 unchanged." in checked.output
    assert OrgPerson.select().count() == 0

    first = runner.invoke(args=["import-people", str(path)])
    assert first.exit_code == 0 and "Imported: 2 new, 0 updated, 0 unchanged." in first.output
    again = runner.invoke(args=["import-people", str(path)])
    assert again.exit_code == 0 and "Imported: 0 new, 0 updated, 2 unchanged." in again.output
    assert sorted(p.email for p in OrgPerson.select()) == ["ada@example.org", "bob@example.org"]
    assert PeopleImportRow.select().count() == 0


def test_a_file_with_a_bad_row_exits_1_names_the_line_and_imports_nobody(runner, db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(GOOD + "Cy,not-an-email,Sales\nDi,ada@example.org,\n")
    result = runner.invoke(args=["import-people", str(path)])
    assert result.exit_code == 1
    assert "line 4: error: “not-an-email” is not an email address" in result.output
    assert "line 5: error: ada@example.org is also on line 2" in result.output
    assert "Nothing imported." in result.output
    assert OrgPerson.select().count() == 0


def test_a_file_in_another_encoding_is_named_as_such(runner, db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes("name,email\nJosé,jose@example.org\n".encode("cp1252"))
    result = runner.invoke(args=["import-people", str(path)])
    assert result.exit_code == 1 and "not UTF-8 text: line 2" in result.output
    assert OrgPerson.select().count() == 0
