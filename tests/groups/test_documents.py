"""A group's document library: uploads on the shared file mechanism, numbered versions,
folders, downloads, and documents that follow the group's discussions (outsiders of a
restricted group get the 404 of a missing group on every document address)."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.groups.documents import DocumentFields, upload_document, upload_version
from forum.groups.services import GroupFields, create_group, join_group
from forum.models import Group, GroupDocument, GroupDocumentVersion, GroupKind, GroupMember
from tests.factories import make_user
from tests.hostile import SAMPLE
from tests.practices.test_uploads import PNG, pdf

_names = iter(range(1, 10_000))


def make_group(facilitator=None, kind: str = GroupKind.OPEN, listed: bool = True) -> Group:
    """A group opened by `facilitator` (a new member if none)."""
    return create_group(facilitator or make_user(),
                        GroupFields(name=f"Tavolo documenti {next(_names)}", kind=kind,
                                    listed=listed))


def add_member(group: Group, user, role: str = "member") -> None:
    db.session.add(GroupMember(group_id=group.id, user_id=user.id, role=role))
    db.session.commit()


def upload(client, group: Group, *, title: str = "Delibera quadro", folder: str = "",
           description: str = "", name: str = "delibera.pdf", data: bytes | None = None):
    return client.post(f"/tavoli/{group.slug}/documenti", data={
        "title": title, "folder": folder, "description": description,
        "file": (io.BytesIO(pdf() if data is None else data), name)},
        content_type="multipart/form-data")


def new_version(client, group: Group, document_id: int, *, note: str = "",
                name: str = "delibera-v2.pdf", data: bytes | None = None):
    return client.post(f"/tavoli/{group.slug}/documenti/{document_id}/versioni", data={
        "note": note, "file": (io.BytesIO(pdf() if data is None else data), name)},
        content_type="multipart/form-data")


def only_document() -> GroupDocument:
    return db.session.scalars(select(GroupDocument)).one()


def stored_files(app) -> set[str]:
    folder = Path(app.instance_path) / "attachments"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def seeded(facilitator, group: Group, title: str = "Documento seminato",
           folder: str = "") -> GroupDocument:
    """A document uploaded through the service, as `facilitator`."""
    from werkzeug.datastructures import FileStorage

    return upload_document(facilitator, group.id, DocumentFields(title, folder),
                           FileStorage(io.BytesIO(PNG), filename="schema.png"))


def test_upload_makes_version_one_and_the_library_lists_it_by_folder(client, login, app):
    group = make_group()
    member = make_user(display_name="Anna Caricatrice")
    join_group(member, group.id)
    login(member)
    response = upload(client, group, title="Regolamento nidi 2026", folder="Regolamenti",
                      description="Testo approvato in giunta.")
    assert response.status_code == 303
    document = only_document()
    assert response.headers["Location"].endswith(f"/tavoli/{group.slug}/documenti/{document.id}")
    assert (document.title, document.folder, document.version_count) == (
        "Regolamento nidi 2026", "Regolamenti", 1)
    library = client.get(f"/tavoli/{group.slug}/documenti").get_data(as_text=True)
    assert "Regolamento nidi 2026" in library and "Cartella «Regolamenti»" in library
    assert f"/tavoli/{group.slug}/documenti/{document.id}/versioni/1" in library
    assert "Anna Caricatrice" in library
    page = client.get(f"/tavoli/{group.slug}/documenti/{document.id}").get_data(as_text=True)
    assert "Testo approvato in giunta." in page and "delibera.pdf" in page
    assert "Carica la versione 2" in page  # the uploader may add versions


def test_new_versions_are_numbered_after_the_last_and_say_who_when_and_why(client, login, app):
    facilitator = make_user(display_name="Franca Facilitatrice")
    group = make_group(facilitator)
    uploader = make_user(display_name="Ugo Autore")
    join_group(uploader, group.id)
    login(uploader)
    upload(client, group)
    document = only_document()
    assert new_version(client, group, document.id, note="Corretti gli importi").status_code == 303
    login(facilitator)
    assert new_version(client, group, document.id, note="Allegato B aggiornato",
                       name="foto.png", data=PNG).status_code == 303
    versions = db.session.scalars(select(GroupDocumentVersion).order_by(
        GroupDocumentVersion.number)).all()
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.uploaded_by_id for v in versions] == [uploader.id, uploader.id, facilitator.id]
    db.session.refresh(document)
    assert document.version_count == 3 and document.updated_at == versions[-1].created_at
    page = client.get(f"/tavoli/{group.slug}/documenti/{document.id}").get_data(as_text=True)
    assert page.index("Allegato B aggiornato") < page.index("Corretti gli importi")
    assert "Franca Facilitatrice" in page and "Ugo Autore" in page
    assert f'datetime="{versions[0].created_at.strftime("%Y-%m-%d")}' in page
    library = client.get(f"/tavoli/{group.slug}/documenti").get_data(as_text=True)
    assert f"/documenti/{document.id}/versioni/3" in library  # the latest is linked


def test_simultaneous_new_versions_get_consecutive_numbers(app):
    facilitator = make_user()
    group = make_group(facilitator)
    document = seeded(facilitator, group)
    user_id, group_id, document_id = facilitator.id, group.id, document.id
    db.session.commit()
    barrier = threading.Barrier(6)
    numbers: list[int] = []
    errors: list[BaseException] = []

    def add() -> None:
        from werkzeug.datastructures import FileStorage

        from forum.models import User
        try:
            with app.app_context():
                actor = db.session.get(User, user_id)
                barrier.wait(10)
                version = upload_version(actor, group_id, document_id,
                                         FileStorage(io.BytesIO(PNG), filename="v.png"))
                numbers.append(version.number)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=add) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == [] and sorted(numbers) == [2, 3, 4, 5, 6, 7]
    db.session.expire_all()
    assert db.session.get(GroupDocument, document_id).version_count == 7


def test_a_version_whose_row_is_not_committed_leaves_no_file(client, login, app, monkeypatch):
    from forum.errors import Conflict
    from forum.groups import documents

    facilitator = make_user()
    group = make_group(facilitator)
    document = seeded(facilitator, group)
    before = stored_files(app)

    def clash(message: str) -> None:
        raise Conflict(message)

    monkeypatch.setattr(documents, "commit_or_conflict", clash)
    login(facilitator)
    response = new_version(client, group, document.id, note="Nota da non perdere")
    assert response.status_code == 409
    assert 'value="Nota da non perdere"' in response.get_data(as_text=True)
    assert stored_files(app) == before
    db.session.refresh(document)
    assert document.version_count == 1


def test_download_returns_the_bytes_with_the_recognised_type_as_an_attachment(client, login,
                                                                               app):
    facilitator = make_user()
    group = make_group(facilitator)
    login(facilitator)
    first = pdf()
    upload(client, group, data=first, name="Verbale «riunione» n. 3.pdf")
    document = only_document()
    new_version(client, group, document.id, name="schema.png", data=PNG)
    response = client.get(f"/tavoli/{group.slug}/documenti/{document.id}/versioni/1")
    assert response.status_code == 200 and response.get_data() == first
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''Verbale" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    response = client.get(f"/tavoli/{group.slug}/documenti/{document.id}/versioni/2")
    assert response.get_data() == PNG and response.headers["Content-Type"] == "image/png"
    response.close()
    missing = client.get(f"/tavoli/{group.slug}/documenti/{document.id}/versioni/3")
    assert missing.status_code == 404


def test_the_folder_filter_shows_one_folder(client, login, app):
    facilitator = make_user()
    group = make_group(facilitator)
    seeded(facilitator, group, "Delibera sui nidi", "Delibere")
    seeded(facilitator, group, "Modello di domanda", "Modelli")
    seeded(facilitator, group, "Appunti sparsi")
    url = f"/tavoli/{group.slug}/documenti"
    everything = client.get(url).get_data(as_text=True)
    assert all(t in everything for t in ("Delibera sui nidi", "Modello di domanda",
                                         "Appunti sparsi", "Senza cartella"))
    assert everything.index("Cartella «Delibere»") < everything.index("Senza cartella")
    one = client.get(url, query_string={"cartella": "Delibere"}).get_data(as_text=True)
    assert "Delibera sui nidi" in one and "Modello di domanda" not in one
    assert "Appunti sparsi" not in one and 'aria-current="true"' in one
    empty = client.get(url, query_string={"cartella": "Nessuna così"})
    assert empty.status_code == 200
    assert "Nessun documento in questa cartella." in empty.get_data(as_text=True)
    assert client.get(url, query_string={"cartella": "x" * 81}).status_code == 400


def test_rename_and_move_keep_the_versions(client, login, app):
    facilitator = make_user()
    group = make_group(facilitator)
    document = seeded(facilitator, group, "Titolo provvisorio", "Bozze")
    login(facilitator)
    response = client.post(f"/tavoli/{group.slug}/documenti/{document.id}/modifica", data={
        "title": "Titolo definitivo", "folder": "  Approvati   2026 ", "description": "Ok."})
    assert response.status_code == 303
    db.session.refresh(document)
    assert (document.title, document.folder, document.description) == (
        "Titolo definitivo", "Approvati 2026", "Ok.")
    assert document.version_count == 1
    library = client.get(f"/tavoli/{group.slug}/documenti").get_data(as_text=True)
    assert "Cartella «Approvati 2026»" in library and "Bozze" not in library


def test_delete_removes_the_document_its_versions_and_their_files(client, login, app):
    facilitator = make_user()
    group = make_group(facilitator)
    login(facilitator)
    upload(client, group)
    document = only_document()
    new_version(client, group, document.id)
    document_id = document.id
    names = set(db.session.scalars(select(GroupDocumentVersion.stored_name)))
    assert len(names) == 2 and names <= stored_files(app)
    response = client.post(f"/tavoli/{group.slug}/documenti/{document_id}/elimina")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/tavoli/{group.slug}/documenti")
    assert db.session.scalars(select(GroupDocumentVersion)).all() == []
    assert db.session.scalars(select(GroupDocument)).all() == []
    assert not names & stored_files(app)
    assert client.get(f"/tavoli/{group.slug}/documenti/{document_id}").status_code == 404


def test_the_uploader_deletes_their_own_document(client, login, app):
    group = make_group()
    uploader = make_user()
    join_group(uploader, group.id)
    document = seeded(uploader, group)
    login(uploader)
    assert client.post(f"/tavoli/{group.slug}/documenti/{document.id}/elimina"
                       ).status_code == 303


def test_a_member_adds_versions_but_only_uploader_or_facilitator_renames_or_deletes(
        client, login, app):
    facilitator = make_user()
    group = make_group(facilitator)
    document = seeded(facilitator, group, "Documento del facilitatore")
    other = make_user()
    join_group(other, group.id)
    login(other)
    base = f"/tavoli/{group.slug}/documenti/{document.id}"
    page = client.get(base).get_data(as_text=True)
    assert "Elimina il documento" not in page and "Carica la versione 2" in page
    assert client.post(f"{base}/elimina").status_code == 403
    assert client.post(f"{base}/modifica", data={"title": "Preso io"}).status_code == 403
    assert new_version(client, group, document.id).status_code == 303
    db.session.refresh(document)
    assert document.title == "Documento del facilitatore" and document.version_count == 2


@pytest.mark.parametrize(("kind", "listed"), [(GroupKind.ON_REQUEST, True),
                                              (GroupKind.PRIVATE, True),
                                              (GroupKind.PRIVATE, False)])
def test_outsiders_of_a_restricted_group_get_404_on_every_document_address(
        client, login, app, kind, listed):
    facilitator = make_user()
    group = make_group(facilitator, kind, listed)
    document = seeded(facilitator, group, "Titolo riservatissimo", "Cartella segreta")
    filename = db.session.scalars(select(GroupDocumentVersion.filename)).one()
    base = f"/tavoli/{group.slug}/documenti"
    addresses = [base, f"{base}?cartella=Cartella+segreta", f"{base}/{document.id}",
                 f"{base}/{document.id}/versioni/1"]
    missing = client.get("/tavoli/non-esiste-proprio/documenti")
    for user in (None, make_user()):
        if user is not None:
            login(user)
        for url in addresses:
            response = client.get(url)
            body = response.get_data(as_text=True)
            assert response.status_code == 404, url
            assert "Tavolo non trovato." in body
            assert "riservatissimo" not in body and filename not in body
            assert "segreta" not in body or "cartella" in url  # (the visitor's own query)
        if user is not None:
            for url in (base, f"{base}/{document.id}/versioni", f"{base}/{document.id}/modifica",
                        f"{base}/{document.id}/elimina", f"{base}/999999/elimina"):
                response = client.post(url, data={"title": "x"})
                assert response.status_code == 404, url
    assert missing.status_code == 404 and "Tavolo non trovato." in missing.get_data(as_text=True)
    assert only_document().version_count == 1
    member = make_user()
    add_member(group, member)
    login(member)
    download = client.get(f"{base}/{document.id}/versioni/1")
    assert download.status_code == 200
    download.close()


def test_anyone_reads_an_open_groups_documents(client, login, app):
    facilitator = make_user()
    group = make_group(facilitator)
    document = seeded(facilitator, group, "Documento pubblico")
    base = f"/tavoli/{group.slug}/documenti"
    library = client.get(base).get_data(as_text=True)
    assert "Documento pubblico" in library and "Carica un documento" not in library
    assert client.get(f"{base}/{document.id}").status_code == 200
    response = client.get(f"{base}/{document.id}/versioni/1")
    assert response.status_code == 200 and response.get_data() == PNG
    response.close()
    assert upload(client, group).status_code == 302  # signing in comes first
    login(make_user())  # not a member: reads, and in an open group may upload too
    assert "Carica un documento" in client.get(base).get_data(as_text=True)
    detail = client.get(f"/tavoli/{group.slug}").get_data(as_text=True)
    assert f'href="{base}"' in detail  # the Documenti tab is on every group page


def test_the_library_tab_is_marked_current_on_document_pages(client, app):
    facilitator = make_user()
    group = make_group(facilitator)
    document = seeded(facilitator, group)
    base = f"/tavoli/{group.slug}/documenti"
    for url in (base, f"{base}/{document.id}"):
        html = client.get(url).get_data(as_text=True)
        assert f'<a class="nav-link active" href="{base}" aria-current="page">' in html


def test_uploads_without_file_title_or_valid_content_are_refused_with_the_text_kept(
        client, login, app):
    facilitator = make_user()
    group = make_group(facilitator)
    login(facilitator)
    no_file = client.post(f"/tavoli/{group.slug}/documenti", data={
        "title": "Titolo digitato con cura", "folder": "Cartella digitata"},
        content_type="multipart/form-data")
    html = no_file.get_data(as_text=True)
    assert no_file.status_code == 422 and "Nessun file scelto." in html
    assert 'value="Titolo digitato con cura"' in html and 'value="Cartella digitata"' in html
    cases = [
        ({"name": "programma.exe", "data": b"MZ\x90\x00"}, "Estensione non ammessa."),
        ({"name": "finto.pdf", "data": b"MZ\x90\x00 eseguibile"}, "File non accettato."),
        ({"name": "pagina.png", "data": PNG + b"<html><script>x</script>"},
         "File non accettato."),
        ({"name": "vuoto.pdf", "data": b""}, "File vuoto."),
        ({"title": "   "}, "Controlla i campi del documento."),
        ({"title": "t" * 201}, "Controlla i campi del documento."),
        ({"folder": "c" * 81}, "Controlla i campi del documento."),
    ]
    for fields, message in cases:
        response = upload(client, group, description="Descrizione digitata", **fields)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, fields
        assert message in html, (fields, message)
        assert "Descrizione digitata" in html
    app.config["ATTACHMENT_MAX_BYTES"] = 10
    too_big = upload(client, group, title="Troppo grande")
    assert too_big.status_code == 422 and "File troppo grande." in too_big.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 1000
    assert upload(client, group, data=b"%PDF-" + b"x" * 2000).status_code == 413
    assert db.session.scalars(select(GroupDocument)).all() == []
    assert stored_files(app) == set()


def test_forged_ids_and_another_groups_document_are_not_found(client, login, app):
    facilitator = make_user()
    group = make_group(facilitator)
    other_group = make_group(facilitator)
    document = seeded(facilitator, other_group, "Documento dell'altro tavolo")
    login(facilitator)
    base = f"/tavoli/{group.slug}/documenti"
    for url in (f"{base}/{document.id}", f"{base}/{document.id}/versioni/1",
                f"{base}/99999999", f"{base}/{document.id}/versioni/99999999"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "altro tavolo" not in response.get_data(as_text=True)
    assert new_version(client, group, document.id).status_code == 404
    assert client.post(f"{base}/{document.id}/modifica", data={"title": "Preso"}
                       ).status_code == 404
    assert client.post(f"{base}/{document.id}/elimina").status_code == 404
    assert client.get(f"{base}/abc").status_code == 404
    huge = "9" * 25  # beyond any database integer: no route, not an overflow
    for url in (f"{base}/{huge}", f"{base}/{document.id}/versioni/{huge}"):
        assert client.get(url).status_code == 404
    assert client.post(f"{base}/{huge}/elimina").status_code == 404
    db.session.refresh(document)
    assert document.title == "Documento dell'altro tavolo" and document.version_count == 1


def test_a_bad_new_version_keeps_the_note_typed(client, login, app):
    facilitator = make_user()
    group = make_group(facilitator)
    document = seeded(facilitator, group)
    login(facilitator)
    response = new_version(client, group, document.id, note="Nota scritta a mano",
                           name="x.docx", data=b"non un docx")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="Nota scritta a mano"' in html
    assert "Il contenuto del file non corrisponde" in html
    response = client.post(f"/tavoli/{group.slug}/documenti/{document.id}/modifica",
                           data={"title": "", "folder": "Cartella tenuta"})
    assert response.status_code == 422 and 'value="Cartella tenuta"' in response.get_data(
        as_text=True)


def test_the_library_costs_the_same_statements_with_3_or_15_documents(client, app,
                                                                       query_counter):
    facilitator = make_user()
    group = make_group(facilitator)
    for n in range(3):
        seeded(facilitator, group, f"Documento {n}", f"Cartella {n % 2}")
    url = f"/tavoli/{group.slug}/documenti"
    with query_counter.counting() as few:
        assert client.get(url).status_code == 200
    for n in range(12):
        document = seeded(make_user(), group, f"Altro {n}", f"Cartella {n % 4}")
        upload_version(facilitator, group.id, document.id, _png_upload())
    with query_counter.counting() as many:
        assert client.get(url).status_code == 200
    assert few.count == many.count


def _png_upload():
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(PNG), filename="schema.png")


def test_hostile_titles_folders_and_filenames_never_give_a_server_error(client, login, app):
    """Each corpus string as title, folder, description and filename at once: refused with
    a 4xx, or stored, shown, offered as a download (the name in a header) and deleted
    (which keeps the library, re-rendered by every refusal, small)."""
    facilitator = make_user()
    group = make_group(facilitator)
    login(facilitator)
    base = f"/tavoli/{group.slug}/documenti"
    accepted = 0
    for n, text in enumerate(SAMPLE):
        response = upload(client, group, title=text, folder=text[:80], description=text,
                          name=f"{text[:150]}.png", data=PNG)
        assert response.status_code in (303, 422), (text, response.status_code)
        if response.status_code != 303:
            continue
        accepted += 1
        document_id = int(response.headers["Location"].rsplit("/", 1)[-1])
        download = client.get(f"{base}/{document_id}/versioni/1")
        assert download.status_code == 200 and download.get_data() == PNG, text
        download.close()
        if n % 10 == 0:
            assert client.get(f"{base}/{document_id}").status_code == 200, text
            assert client.get(base, query_string={"cartella": text[:80]}).status_code == 200
        assert client.post(f"{base}/{document_id}/elimina").status_code == 303, text
    assert accepted > len(SAMPLE) // 3  # the PostgreSQL run keeps the hardest third
    assert stored_files(app) == set()
