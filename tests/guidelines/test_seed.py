"""The demo guidelines: g1 with two versions, g2 in consultation, g3 past its review."""

from __future__ import annotations

from sqlalchemy import func, select

from forum.extensions import db
from forum.models import Guideline, GuidelineStatus, GuidelineVersion, guideline_sources
from forum.seed.demo import seed_demo


def test_demo_guidelines_are_seeded_once_with_their_versions_and_sources(app, client):
    seed_demo(app.config["DEMO_PASSWORD"])
    seed_demo(app.config["DEMO_PASSWORD"])
    by_slug = {g.slug: g for g in db.session.scalars(select(Guideline))}
    assert len(by_slug) == 3
    first = by_slug["tariffe-servizi-educativi-0-3-isee"]
    assert first.version == 2 and db.session.scalar(select(func.count(
        GuidelineVersion.id)).where(GuidelineVersion.guideline_id == first.id)) == 2
    assert by_slug["avviare-coprogettazione-terzo-settore"].status == \
        GuidelineStatus.CONSULTATION
    assert db.session.scalar(select(func.count()).select_from(guideline_sources)) == 7
    overdue = client.get("/linee-guida/sostegno-caregiver-familiari").get_data(as_text=True)
    assert "Da verificare" in overdue and "Versione 1" in overdue
    consultation = client.get("/linee-guida/avviare-coprogettazione-terzo-settore")
    assert "In consultazione fino al" in consultation.get_data(as_text=True)
    diff = client.get("/linee-guida/tariffe-servizi-educativi-0-3-isee/confronta?da=1&a=2")
    assert diff.status_code == 200 and "<ins" in diff.get_data(as_text=True)
    assert "Versione 2 · aggiornata il" in client.get(
        "/linee-guida/tariffe-servizi-educativi-0-3-isee").get_data(as_text=True)
