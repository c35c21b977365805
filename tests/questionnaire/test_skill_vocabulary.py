"""Admins extend the skill vocabulary; search and answers understand the new words at once."""
from portal.models import AuditLog, Skill, SkillAlias
from portal.skills import normalise


def test_admin_adds_skill_with_aliases(client, admin, db):
    client.login("admin@example.org")
    response = client.submit("/admin/skills", {"name": "Kubernetes", "category": "Technical", "aliases": "k8s, kube"})
    assert response.status_code == 302
    skill = Skill.get(Skill.name == "Kubernetes")
    assert {a.alias for a in SkillAlias.select().where(SkillAlias.skill == skill)} == {"k8s", "kube"}
    assert normalise(["K8s"]) == ["Kubernetes"]
    assert AuditLog.select().where(AuditLog.action == "skill.add").count() == 1


def test_duplicate_skill_or_alias_is_refused_and_kept(client, admin, db):
    client.login("admin@example.org")
    response = client.submit("/admin/skills", {"name": "python", "aliases": "snake"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "already in the vocabulary" in html and 'value="python"' in html
    skill = Skill.get(Skill.name == "Go")
    response = client.submit(f"/admin/skills/{skill.id}/aliases", {"aliases": "py"}, page="/admin/skills")
    assert response.status_code == 400
    assert "already means Python" in response.get_data(as_text=True)


def test_new_alias_reaches_the_directory_search(client, admin, create_user, db, program):
    from portal.pairing import directory

    before = directory._indexed(program, directory._versions(program)[0])
    skill = Skill.get(Skill.name == "Public speaking")
    client.login("admin@example.org")
    client.submit(f"/admin/skills/{skill.id}/aliases", {"aliases": "oratory"}, page="/admin/skills")
    after = directory._indexed(program, directory._versions(program)[0])
    assert after is not before
    assert after.vocabulary.names["oratory"] == "Public speaking"


def test_skills_page_is_admin_only(client, create_user):
    create_user("mentee@example.org")
    client.login("mentee@example.org")
    assert client.get("/admin/skills").status_code == 403
