"""The proof of level: what an upload must be to be stored, and who may download it."""

import io
import re
import struct
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from PIL import Image
from pypdf import PdfWriter

from astep import settings as project_settings
from astep.accounts.models import Role
from astep.volunteers.models import VolunteerProfile
from astep.volunteers.proofs import MAX_PROOF_BYTES, proof_attach, proof_clean, proof_discard
from tests import factories

pytestmark = pytest.mark.django_db

MAKE, GPS_IFD, ORIENTATION = 0x010F, 0x8825, 0x0112


@pytest.fixture(autouse=True)
def storage(settings, tmp_path, monkeypatch):
    """The proofs storage, configured as in the settings but in this test's own directory.

    The test settings' directory is shared by every test run on the machine; the field
    keeps the storage it was built with, so it is pointed at the fresh one too.
    """
    proofs = settings.STORAGES["proofs"]
    settings.STORAGES = {
        **settings.STORAGES,
        "proofs": {**proofs, "OPTIONS": {**proofs["OPTIONS"], "location": tmp_path}},
    }
    fresh = storages["proofs"]
    monkeypatch.setattr(VolunteerProfile._meta.get_field("proof_file"), "storage", fresh)
    return fresh


def stored_files(storage) -> list[Path]:
    return [path for path in Path(storage.location).rglob("*") if path.is_file()]


def png_bytes(*, exif: Image.Exif | None = None, text: str = "", size=(40, 30)) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    if text:
        info.add_text("Author", text)
    output = io.BytesIO()
    Image.new("RGB", size, "navy").save(output, "PNG", exif=exif or Image.Exif(), pnginfo=info)
    return output.getvalue()


def jpeg_bytes(*, exif: Image.Exif | None = None, size=(40, 30)) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", size, "teal").save(output, "JPEG", exif=exif or Image.Exif())
    return output.getvalue()


def pdf_bytes(*, pages: int = 1, password: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def png_claiming_size(width: int, height: int) -> bytes:
    """A tiny PNG whose header announces `width` × `height` pixels (a decompression bomb)."""
    content = png_bytes(size=(1, 1))
    ihdr = struct.pack(">II", width, height) + content[24:29]
    chunk = b"IHDR" + ihdr
    return content[:12] + chunk + struct.pack(">I", zlib.crc32(chunk)) + content[33:]


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The browser's content type is whatever the client says: never trusted, so always wrong here.
    return SimpleUploadedFile(name, content, content_type="text/plain")


def row(profile: VolunteerProfile) -> dict:
    return VolunteerProfile.objects.filter(pk=profile.pk).values().get()


def refusal(storage, name: str, content: bytes) -> ValidationError:
    """Upload `content` as `name` the way a caller does; check that nothing was stored."""
    profile = factories.VolunteerProfileFactory()
    before = row(profile)
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        proof_attach(profile, proof_clean(upload(name, content)))
        profile.save()
    assert stored_files(storage) == []
    assert row(profile) == before
    return refused.value


def test_it_refuses_a_png_header_followed_by_html(storage):
    error = refusal(storage, "diplome.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>")

    assert error.code == "image"
    assert "L'image est illisible ou incomplète" in error.messages[0]


def test_it_refuses_a_pdf_renamed_png(storage):
    error = refusal(storage, "diplome.png", pdf_bytes())

    assert error.code == "extension"
    assert error.messages == [
        "Ce fichier est un PDF, mais son nom se termine par « .png » : renommez-le en .pdf "
        "ou choisissez le bon fichier."
    ]


def test_it_refuses_a_6_mb_file(storage):
    error = refusal(storage, "diplome.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024 - 9))

    assert error.code == "too_big"
    assert error.messages == ["Le fichier pèse 6,0 Mo ; la taille maximale est de 5 Mo."]


def test_it_refuses_an_empty_file(storage):
    error = refusal(storage, "diplome.pdf", b"")

    assert error.code == "empty"
    assert error.messages == ["Le fichier est vide."]


def test_it_refuses_html_named_pdf(storage):
    error = refusal(storage, "diplome.pdf", b"<html><body>Diplome</body></html>")

    assert error.code == "type"
    assert "Formats acceptés : PDF, JPEG, PNG." in error.messages[0]


def test_it_refuses_a_gif(storage):
    output = io.BytesIO()
    Image.new("RGB", (4, 4)).save(output, "GIF")

    assert refusal(storage, "diplome.gif", output.getvalue()).code == "type"


def test_it_refuses_a_jpeg_without_extension(storage):
    error = refusal(storage, "diplome", jpeg_bytes())

    assert error.code == "extension"
    assert "« (sans extension) »" in error.messages[0]


def test_it_refuses_a_truncated_png(storage):
    assert refusal(storage, "diplome.png", png_bytes()[:60]).code == "image"


@pytest.mark.parametrize("side", [10_000, 30_000], ids=["over_the_warning", "over_the_error"])
def test_it_refuses_a_decompression_bomb(storage, side):
    error = refusal(storage, "diplome.png", png_claiming_size(side, side))

    assert error.code == "image_too_large"
    assert "trop de pixels" in error.messages[0]


def test_it_refuses_a_damaged_pdf(storage):
    assert refusal(storage, "diplome.pdf", b"%PDF-1.7\n1 0 obj <<>> garbage").code == "pdf"


def test_it_refuses_a_pdf_without_pages(storage):
    assert refusal(storage, "diplome.pdf", pdf_bytes(pages=0)).code == "pdf_empty"


def test_it_refuses_a_pdf_with_a_password(storage):
    error = refusal(storage, "diplome.pdf", pdf_bytes(password="secret"))

    assert error.code == "pdf_encrypted"
    assert "mot de passe" in error.messages[0]


def test_the_limit_is_5_mb():
    assert MAX_PROOF_BYTES == 5 * 1024 * 1024


def test_it_strips_the_exif_and_text_of_a_png():
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif.get_ifd(GPS_IFD)[1] = "N"
    content = png_bytes(exif=exif, text="Jean Dupont")
    assert b"PhoneMaker" in content and b"Jean Dupont" in content

    proof = proof_clean(upload("diplome.png", content))

    assert (proof.content_type, proof.extension) == ("image/png", ".png")
    assert b"PhoneMaker" not in proof.content and b"Jean Dupont" not in proof.content
    with Image.open(io.BytesIO(proof.content)) as image:
        assert image.format == "PNG" and image.size == (40, 30)
        assert not image.getexif()
        assert image.info.keys().isdisjoint({"exif", "icc_profile", "Author"})


def test_it_drops_what_follows_a_valid_png():
    content = png_bytes() + b"<html><script>alert(1)</script></html>"

    proof = proof_clean(upload("diplome.png", content))

    assert b"<script>" not in proof.content


def test_it_accepts_a_jpeg_named_jpeg_and_turns_it_upright_without_exif():
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = 6  # taken sideways: to be turned 90° clockwise

    proof = proof_clean(upload("PHOTO.JPEG", jpeg_bytes(exif=exif, size=(40, 30))))

    assert (proof.content_type, proof.extension) == ("image/jpeg", ".jpg")
    with Image.open(io.BytesIO(proof.content)) as image:
        assert image.format == "JPEG" and image.size == (30, 40)
        assert not image.getexif()
        assert "exif" not in image.info


def test_it_accepts_a_pdf_as_it_is():
    content = pdf_bytes()

    proof = proof_clean(upload("diplome.pdf", content))

    assert (proof.content, proof.content_type, proof.extension) == (
        content,
        "application/pdf",
        ".pdf",
    )


def test_it_stores_the_proof_privately_under_a_random_name(storage):
    profile = factories.VolunteerProfileFactory()

    proof_attach(profile, proof_clean(upload("Diplôme Jean Dupont.pdf", pdf_bytes())))
    profile.save()

    profile.refresh_from_db()
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", profile.proof_file.name)
    assert profile.proof_content_type == "application/pdf"
    [path] = stored_files(storage)
    assert path.name == profile.proof_file.name
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_proofs_storage_is_outside_the_public_trees():
    location = Path(project_settings.STORAGES["proofs"]["OPTIONS"]["location"]).resolve()
    media = Path(project_settings.STORAGES["default"]["OPTIONS"]["location"]).resolve()
    static = Path(project_settings.STATIC_ROOT).resolve()

    assert not location.is_relative_to(media) and not location.is_relative_to(static)


def test_no_public_url_serves_a_proof(client, storage, volunteer_with_proof):
    try:
        url = storage.url(volunteer_with_proof.proof_file.name)
    except ValueError:
        return
    # FileSystemStorage falls back on MEDIA_URL when base_url is None: nothing serves it.
    client.force_login(volunteer_with_proof.user)
    assert client.get(url).status_code == 404


def test_a_new_proof_replaces_the_old_file_after_commit(
    storage, volunteer_with_proof, django_capture_on_commit_callbacks
):
    profile = volunteer_with_proof
    old = profile.proof_file.name

    with django_capture_on_commit_callbacks(execute=True):
        proof_attach(profile, proof_clean(upload("diplome.png", png_bytes())))
        profile.save()
        assert storage.exists(old)

    assert not storage.exists(old)
    assert [path.name for path in stored_files(storage)] == [profile.proof_file.name]
    assert profile.proof_content_type == "image/png"


def test_discarding_the_proof_deletes_the_file_after_commit(
    storage, volunteer_with_proof, django_capture_on_commit_callbacks
):
    profile = volunteer_with_proof
    name = profile.proof_file.name

    with django_capture_on_commit_callbacks(execute=True):
        proof_discard(profile)
        profile.save()
        assert storage.exists(name)

    assert stored_files(storage) == []
    profile.refresh_from_db()
    assert not profile.proof_file and profile.proof_content_type == ""


@pytest.fixture
def pdf() -> bytes:
    return pdf_bytes()


@pytest.fixture
def volunteer_with_proof(pdf) -> VolunteerProfile:
    profile = factories.VolunteerProfileFactory()
    proof_attach(profile, proof_clean(upload("diplome.pdf", pdf)))
    profile.save()
    return profile


def proof_url(profile: VolunteerProfile) -> str:
    return reverse("volunteers:proof", args=[profile.pk])


def test_the_volunteer_downloads_their_proof_as_an_attachment(client, volunteer_with_proof, pdf):
    profile = volunteer_with_proof
    client.force_login(profile.user)

    response = client.get(proof_url(profile))

    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == f'attachment; filename="justificatif-{profile.pk}.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == pdf


def test_the_correspondent_of_the_departement_downloads_the_proof(client, volunteer_with_proof):
    correspondent = factories.UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT, departement=factories.departement("035")
    )
    client.force_login(correspondent)

    response = client.get(proof_url(volunteer_with_proof))

    assert response.status_code == 200
    response.close()  # the file stays open until the response is read or closed


STRANGERS = {
    "another_volunteer": lambda: factories.VolunteerProfileFactory().user,
    "a_teacher": lambda: factories.UserFactory(role=Role.TEACHER),
    "a_correspondent_of_another_departement": lambda: factories.UserFactory(
        role=Role.DEPARTMENTAL_CORRESPONDENT, departement=factories.departement("044")
    ),
    "the_academic_correspondent": lambda: factories.UserFactory(
        role=Role.ACADEMIC_CORRESPONDENT, academie=factories.departement("035").academie
    ),
    "national_staff": lambda: factories.UserFactory(role=Role.NATIONAL),
}


@pytest.mark.parametrize("stranger", STRANGERS.values(), ids=STRANGERS.keys())
def test_anybody_else_gets_a_404_on_the_proof(client, volunteer_with_proof, stranger):
    client.force_login(stranger())

    assert client.get(proof_url(volunteer_with_proof)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, volunteer_with_proof):
    response = client.get(proof_url(volunteer_with_proof))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_there_is_nothing_to_download_without_a_proof(client):
    profile = factories.VolunteerProfileFactory()
    client.force_login(profile.user)

    assert client.get(proof_url(profile)).status_code == 404


def test_a_proof_missing_from_the_disk_is_a_404(client, storage, volunteer_with_proof):
    storage.delete(volunteer_with_proof.proof_file.name)
    client.force_login(volunteer_with_proof.user)

    assert client.get(proof_url(volunteer_with_proof)).status_code == 404


REFUSED_UPLOADS = {
    "png_header_followed_by_html": ("diplome.png", b"\x89PNG\r\n\x1a\n<html></html>", "illisible"),
    "pdf_renamed_png": ("diplome.png", pdf_bytes(), "Ce fichier est un PDF"),
    "6_mb_file": ("diplome.pdf", b"%PDF-1.4\n" + b"0" * 6 * 1024 * 1024, "6,0 Mo"),
    "empty_file": ("diplome.pdf", b"", "est vide"),  # Django's FileField says it first
}


def level_data() -> dict:
    return {"level": "bac+3", "field": "physics", "diploma": "Licence", "proof_kind": "diploma"}


@pytest.mark.parametrize("name, content, words", REFUSED_UPLOADS.values(), ids=REFUSED_UPLOADS)
def test_the_level_form_refuses_the_file_with_its_message(storage, name, content, words):
    from astep.volunteers.forms import LevelStepForm

    profile = factories.VolunteerProfileFactory(review_status="")
    form = LevelStepForm(level_data(), {"proof": upload(name, content)}, instance=profile)

    assert not form.is_valid()
    [message] = form.errors["proof"]
    assert words in message
    assert stored_files(storage) == []


@pytest.mark.parametrize("name, content, words", REFUSED_UPLOADS.values(), ids=REFUSED_UPLOADS)
def test_the_level_step_shows_the_refusal_and_stores_nothing(client, storage, name, content, words):
    profile = factories.VolunteerProfileFactory(review_status="")
    before = row(profile)
    client.force_login(profile.user)

    response = client.post(
        reverse("volunteers:step", args=["niveau"]),
        {**level_data(), "proof": upload(name, content)},
    )

    assert response.status_code == 200
    assert words in response.content.decode()
    assert stored_files(storage) == []
    assert row(profile) == before
