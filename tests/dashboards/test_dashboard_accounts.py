"""Roles, the local users file and ``cipd users``."""

from __future__ import annotations

import io
import stat

import pytest

from accounts import users
from accounts.roles import Role, RoleError
from cli.main import main
from data_contracts.settings import get_settings


def test_roles_cover_the_right_departements():
    assert len(Role.parse("national").departements) == 101
    region = Role.parse("region:84")
    assert "69" in region.departements and "13" not in region.departements
    assert region.region_codes == ("84",)
    dep = Role.parse("departement:2a")
    assert dep.departements == ("2A",) and dep.region_codes == ("94",)
    assert str(dep) == "departement:2A"


def test_admin_role_reads_what_national_reads_and_runs_the_hub():
    admin = Role.parse("admin")
    assert admin.is_admin and admin.is_national and str(admin) == "admin"
    assert admin.departements == Role.parse("national").departements
    assert not Role.parse("national").is_admin


@pytest.mark.parametrize("text", ["", "administrateur", "region:99", "departement:20", "departement:",
                                  "national:75"])
def test_unknown_roles_are_refused_in_french(text):
    with pytest.raises(RoleError, match="Rôle inconnu"):
        Role.parse(text)


def test_password_accounts_authenticate_and_are_stored_hashed(cipd_home):
    settings = get_settings()
    users.add_user(settings, "Agent69", "departement:69", "un-long-mot-de-passe")
    assert users.authenticate(settings, "agent69", "un-long-mot-de-passe").role == Role.parse("departement:69")
    assert users.authenticate(settings, "agent69", "faux") is None
    assert users.authenticate(settings, "inconnu", "un-long-mot-de-passe") is None
    text = users.users_path(settings).read_text()
    assert "un-long-mot-de-passe" not in text and "$argon2id$" in text
    assert stat.S_IMODE(users.users_path(settings).stat().st_mode) == 0o600


def test_oidc_only_accounts_cannot_use_a_password(cipd_home):
    settings = get_settings()
    users.add_user(settings, "prenom.nom@interieur.gouv.fr", "national")
    assert users.authenticate(settings, "prenom.nom@interieur.gouv.fr", "") is None
    assert users.account_for_identity(settings, "Prenom.Nom@interieur.gouv.fr").role.is_national
    assert users.account_for_identity(settings, None) is None


def test_account_rules(cipd_home):
    settings = get_settings()
    users.add_user(settings, "agent", "national", "mot-de-passe-long")
    with pytest.raises(users.AccountError, match="existe déjà"):
        users.add_user(settings, "agent", "national", "mot-de-passe-long")
    with pytest.raises(users.AccountError, match="trop court"):
        users.add_user(settings, "autre", "national", "court")
    assert users.remove_user(settings, "agent") and not users.remove_user(settings, "agent")


def test_demo_users_get_fresh_working_passwords(cipd_home):
    settings = get_settings()
    first = users.ensure_demo_users(settings)
    second = users.ensure_demo_users(settings)
    assert [(login, role) for login, _, role in second] == [
        ("demo-admin", "admin"), ("demo-national", "national"), ("demo-region", "region:84"),
        ("demo-departement", "departement:69")]
    for (login, old, _), (_, new, role) in zip(first, second):
        assert old != new
        assert users.authenticate(settings, login, new).role == Role.parse(role)
        assert users.authenticate(settings, login, old) is None


def test_cli_adds_lists_and_removes(cipd_home, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("mot-de-passe-solide\n"))
    assert main(["users", "add", "agent13", "--role", "departement:13", "--password-stdin"]) == 0
    assert main(["users", "add", "x@y.gouv.fr", "--role", "region:84", "--oidc-only"]) == 0
    assert main(["users", "add", "z", "--role", "region:99", "--oidc-only"]) == 1
    assert "Rôle inconnu « region:99 »" in capsys.readouterr().err
    main(["users", "list"])
    listing = capsys.readouterr().out
    assert "agent13\tdepartement:13\tmot de passe" in listing and "x@y.gouv.fr\tregion:84\tOIDC" in listing
    assert users.authenticate(get_settings(), "agent13", "mot-de-passe-solide") is not None
    assert main(["users", "remove", "agent13"]) == 0
    assert main(["users", "remove", "agent13"]) == 1
