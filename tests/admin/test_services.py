"""Membership policy, sign-up review, roles, suspensions, themes and organisations (no HTTP)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from forum import permissions
from forum.admin import catalogue, queries, services, settings
from forum.errors import Conflict, InvalidInput, NotAllowed
from forum.extensions import db
from forum.models import AuditEntry, Notification, Organisation, Theme, User
from forum.models.base import utcnow
from tests.factories import make_user


def _audit(action: str) -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def _notes(user_id: int) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user_id)))


# Registration policy ---------------------------------------------------------------------

def test_open_policy_by_default_makes_members_active(app):
    assert settings.get_registration_policy().policy == "open"
    assert make_user().status == "active"


def test_approval_policy_makes_new_members_pending_but_admins_active(app):
    admin = make_user("admin")
    settings.set_registration_policy(admin, policy="approval", domains_text="")
    member = make_user()
    assert member.status == "pending" and member.is_pending
    assert not permissions.is_active_member(member)
    assert make_user("admin").status == "active"
    assert _audit("update_settings")[0].details["policy"] == "approval"


def test_domain_policy_approves_listed_domains_and_subdomains_only(app):
    admin = make_user("admin")
    settings.set_registration_policy(
        admin, policy="domains", domains_text="comune.milano.it\n\n  Regione.Toscana.it  \n")
    assert make_user(email="anna@comune.milano.it").status == "active"
    assert make_user(email="bruno@servizisociali.comune.milano.it").status == "active"
    assert make_user(email="carla@regione.toscana.it").status == "active"
    assert make_user(email="dario@gmail.com").status == "pending"
    assert make_user(email="elena@fintocomune.milano.it").status == "pending"
    assert make_user(email="franco@comune.milano.it.evil.example").status == "pending"


def test_policy_defaults_come_from_the_configuration(app):
    app.config["REGISTRATION_POLICY"] = "domains"
    app.config["REGISTRATION_ALLOWED_DOMAINS"] = "comune.esempio.it"
    policy = settings.get_registration_policy()
    assert policy.policy == "domains" and policy.domains == ("comune.esempio.it",)
    assert policy.status_for("x@comune.esempio.it") == "active"
    assert policy.status_for("x@altro.it") == "pending"


@pytest.mark.parametrize("text", ["comune.milano.it\n@comune.roma.it", "https://comune.it",
                                  "mario@comune.it", "senzapunto", "spazi nel.dominio.it"])
def test_invalid_domain_lines_are_refused(app, text):
    admin = make_user("admin")
    with pytest.raises(InvalidInput) as refused:
        settings.set_registration_policy(admin, policy="domains", domains_text=text)
    assert "domains" in refused.value.field_errors
    assert settings.get_registration_policy().policy == "open"


def test_domain_policy_needs_a_domain_and_settings_need_an_admin(app):
    admin, moderator = make_user("admin"), make_user("moderator")
    with pytest.raises(InvalidInput):
        settings.set_registration_policy(admin, policy="domains", domains_text="")
    with pytest.raises(InvalidInput):
        settings.set_registration_policy(admin, policy="chiusa", domains_text="")
    with pytest.raises(NotAllowed):
        settings.set_registration_policy(moderator, policy="approval", domains_text="")


# Sign-up review ----------------------------------------------------------------------------

@pytest.fixture
def pending(app):
    """A member who signed up under the approval policy."""
    settings.set_registration_policy(make_user("admin"), policy="approval", domains_text="")
    return make_user()


def test_moderator_approves_pending_account_with_notification_and_audit(pending):
    moderator = make_user("moderator")
    assert queries.pending_accounts_count() == 1
    services.approve_user(moderator, pending.id)
    assert pending.status == "active"
    assert queries.pending_accounts_count() == 0
    assert [n.kind for n in _notes(pending.id)] == ["account_approved"]
    entry = _audit("approve_user")[0]
    assert entry.actor_id == moderator.id and entry.target_id == pending.id


def test_reject_with_reason_notifies_the_member(pending):
    admin = make_user("admin")
    services.reject_user(admin, pending.id, reason="Non risulta un indirizzo di un ente.")
    assert pending.status == "rejected"
    note = _notes(pending.id)[0]
    assert note.kind == "account_rejected"
    assert note.params["reason"] == "Non risulta un indirizzo di un ente."
    assert _audit("reject_user")[0].reason == "Non risulta un indirizzo di un ente."
    with pytest.raises(Conflict):
        services.reject_user(admin, pending.id)


def test_members_cannot_review_accounts_and_active_accounts_are_not_approved(pending):
    with pytest.raises(NotAllowed):
        services.approve_user(make_user("member", email="m@x.example"), pending.id)
    moderator = make_user("moderator")
    services.approve_user(moderator, pending.id)
    with pytest.raises(Conflict):
        services.approve_user(moderator, pending.id)


# Roles ----------------------------------------------------------------------------------------

def test_change_role_with_theme_scope_notifies_and_audits(app):
    admin, member = make_user("admin"), make_user()
    themes = list(db.session.scalars(select(Theme).order_by(Theme.id).limit(2)))
    services.change_role(admin, member.id, "moderator", theme_ids=[t.id for t in themes])
    assert member.role == "moderator"
    assert member.theme_scope == frozenset(t.id for t in themes)
    assert permissions.can_moderate(member, themes[0].id)
    assert not permissions.can_moderate(member, themes[0].id + 5)
    note = _notes(member.id)[0]
    assert note.kind == "role_changed" and note.params["role"] == "Moderatore"
    assert _audit("change_role")[0].details["theme_ids"] == [t.id for t in themes]


def test_scope_is_cleared_when_the_role_is_not_moderator(app):
    admin, member = make_user("admin"), make_user()
    services.change_role(admin, member.id, "moderator", theme_ids=[1])
    services.change_role(admin, member.id, "admin", theme_ids=[1, 2])
    assert member.role == "admin" and member.moderated_theme_ids == ""


def test_unknown_theme_or_role_is_invalid(app):
    admin, member = make_user("admin"), make_user()
    with pytest.raises(InvalidInput):
        services.change_role(admin, member.id, "moderator", theme_ids=[99999])
    with pytest.raises(InvalidInput):
        services.change_role(admin, member.id, "superuser")


def test_last_admin_cannot_demote_themself_but_can_when_another_exists(app):
    admin = make_user("admin")
    with pytest.raises(Conflict) as refused:
        services.change_role(admin, admin.id, "member")
    assert "unico amministratore" in refused.value.message
    assert admin.role == "admin"
    make_user("admin")
    services.change_role(admin, admin.id, "member")
    assert admin.role == "member"


def test_moderators_cannot_change_roles(app):
    moderator, member = make_user("moderator"), make_user()
    with pytest.raises(NotAllowed):
        services.change_role(moderator, member.id, "moderator")


# Suspensions --------------------------------------------------------------------------------

def test_suspend_for_days_with_reason_then_reactivate(app):
    admin, member = make_user("admin"), make_user()
    services.suspend_user(admin, member.id, days=7, reason="Messaggi offensivi ripetuti.")
    assert member.is_suspended and not permissions.is_active_member(member)
    assert timedelta(days=6, hours=23) < member.suspended_until - utcnow() <= timedelta(days=7)
    assert member.suspension_reason == "Messaggi offensivi ripetuti."
    note = _notes(member.id)[0]
    assert note.kind == "account_suspended" and note.params["reason"] == member.suspension_reason
    assert str(member.suspended_until.year) in note.params["until"]
    assert _audit("suspend_user")[0].details["days"] == 7
    services.reactivate_user(admin, member.id)
    assert not member.is_suspended and member.suspension_reason == ""
    assert [n.kind for n in _notes(member.id)][-1] == "account_reactivated"
    assert len(_audit("reactivate_user")) == 1
    with pytest.raises(Conflict):
        services.reactivate_user(admin, member.id)


def test_suspend_until_a_date_lasts_through_that_day(app):
    admin, member = make_user("admin"), make_user()
    end = date.today() + timedelta(days=10)
    services.suspend_user(admin, member.id, until=end, reason="Spam.")
    assert member.suspended_until.date() in (end, end - timedelta(days=1))
    assert member.suspended_until > utcnow() + timedelta(days=9)


@pytest.mark.parametrize("kwargs,field", [
    ({"days": 0}, "days"),
    ({"days": 4000}, "days"),
    ({}, "days"),
    ({"days": 3, "until": date(2099, 1, 1)}, "days"),
    ({"until": date(2000, 1, 1)}, "until"),
    ({"days": 3, "reason_text": "   "}, "reason"),
])
def test_suspension_needs_a_valid_duration_and_a_reason(app, kwargs, field):
    admin, member = make_user("admin"), make_user()
    reason = kwargs.pop("reason_text", "Motivo valido.")
    with pytest.raises(InvalidInput) as refused:
        services.suspend_user(admin, member.id, reason=reason, **kwargs)
    assert field in refused.value.field_errors
    assert member.suspended_until is None


def test_admins_cannot_be_suspended_and_moderators_cannot_suspend(app):
    admin, other_admin, member = make_user("admin"), make_user("admin"), make_user()
    with pytest.raises(Conflict) as refused:
        services.suspend_user(admin, other_admin.id, days=3, reason="Prova.")
    assert "amministratore non può essere sospeso" in refused.value.message
    with pytest.raises(NotAllowed):
        services.suspend_user(make_user("moderator"), member.id, days=3, reason="Prova.")
    assert _audit("suspend_user") == []


# Themes and organisations -----------------------------------------------------------------

def test_create_theme_derives_a_unique_slug(app):
    admin = make_user("admin")
    first = catalogue.create_theme(admin, name="Città e famiglie", description="Descrizione.")
    second = catalogue.create_theme(admin, name="Citta' & famiglie!")
    assert first.slug == "citta-e-famiglie"
    assert second.slug == "citta-famiglie"
    third = catalogue.create_theme(admin, name="Città famiglie")
    assert third.slug == "citta-famiglie-2"
    assert third.position > first.position
    assert len(_audit("create_theme")) == 3
    with pytest.raises(Conflict):
        catalogue.create_theme(admin, name="città E famiglie")


def test_update_and_archive_theme_keep_its_slug_and_threads(app):
    from tests.factories import make_question

    admin = make_user("admin")
    question = make_question(theme_slug="giovani")
    theme = db.session.scalar(select(Theme).where(Theme.slug == "giovani"))
    before = theme.position
    catalogue.update_theme(admin, theme.id, name="Giovani", description="Nuova.", position=99)
    assert theme.slug == "giovani" and theme.position == 99
    assert _audit("update_theme")[0].details["changes"]["position"] == {"from": before, "to": 99}
    catalogue.set_theme_archived(admin, theme.id, True)
    assert theme.is_archived and question.theme_id == theme.id
    catalogue.set_theme_archived(admin, theme.id, False)
    assert not theme.is_archived
    assert [e.action for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.target_type == "theme"))] == [
        "update_theme", "archive_theme", "unarchive_theme"]


def test_only_admins_manage_themes(app):
    with pytest.raises(NotAllowed):
        catalogue.create_theme(make_user("moderator"), name="Nuovo tema")


def test_organisations_are_added_once_and_archived_out_of_the_suggestions(app):
    admin = make_user("admin")
    kept = catalogue.create_organisation(admin, name="Comune di Lucca", organisation_type="comune",
                                         region_code="09")
    gone = catalogue.create_organisation(admin, name="ASL Toscana Nord Ovest",
                                         organisation_type="azienda-sanitaria", region_code="09")
    with pytest.raises(Conflict):
        catalogue.create_organisation(admin, name="comune di lucca", organisation_type="comune",
                                      region_code="09")
    with pytest.raises(InvalidInput) as refused:
        catalogue.create_organisation(admin, name="X", organisation_type="banca",
                                      region_code="99")
    assert set(refused.value.field_errors) == {"name", "organisation_type", "region_code"}
    catalogue.set_organisation_archived(admin, gone.id, True)
    assert queries.active_organisation_names() == [kept.name]
    assert db.session.scalar(select(Organisation).where(Organisation.id == gone.id)).is_archived
    assert [e.action for e in _audit("create_organisation")] == ["create_organisation"] * 2
    assert len(_audit("archive_organisation")) == 1


def test_create_admin_command_makes_active_admins_under_any_policy(app, runner):
    settings.set_registration_policy(make_user("admin"), policy="approval", domains_text="")
    waiting = make_user()
    assert waiting.is_pending
    result = runner.invoke(args=["create-admin", waiting.username])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["create-admin", "nuova.admin", "--email", "nuova@ente.example",
                                 "--password", "una-password-lunga-abbastanza"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    promoted = db.session.get(User, waiting.id)
    created = db.session.scalar(select(User).where(User.username == "nuova.admin"))
    assert (promoted.role, promoted.status) == ("admin", "active")
    assert (created.role, created.status) == ("admin", "active")
