"""The volunteer's proof of level: check an uploaded file, strip it, store it privately.

A proof is a PDF, JPEG or PNG of at most 5 MB. Its type is read from its content, never
trusted from its name; images are decoded and re-encoded so that nothing but pixels
survives (no EXIF, GPS, ICC or text chunk, nothing appended). Files go to the private
storage `storages["proofs"]` under a random name and are served only by
`views.proofs.proof_download`.
"""

import io
import warnings
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, ImageOps
from pypdf import PdfReader

from astep.volunteers.models import VolunteerProfile

MAX_PROOF_BYTES = 5 * 1024 * 1024

# Sniffed MIME type → (name shown to the volunteer, accepted extensions, the one we store).
ACCEPTED = {
    "application/pdf": ("PDF", (".pdf",), ".pdf"),
    "image/jpeg": ("JPEG", (".jpg", ".jpeg"), ".jpg"),
    "image/png": ("PNG", (".png",), ".png"),
}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
KEPT_MODES = {"JPEG": {"L", "RGB"}, "PNG": {"1", "L", "LA", "RGB", "RGBA"}}


@dataclass(frozen=True)
class CleanProof:
    """A checked proof, ready to store: its bytes, MIME type and extension (".pdf"…)."""

    content: bytes
    content_type: str
    extension: str


def proof_clean(upload: UploadedFile) -> CleanProof:
    """Check an uploaded proof of level and return what may be stored.

    Takes the Django `UploadedFile`. Accepts a non-empty PDF, JPEG or PNG of at most
    `MAX_PROOF_BYTES`, whose content matches its name's extension. Images must decode
    fully and are returned re-encoded without metadata; a PDF must open with pypdf, have
    a page and no password, and is returned as is. Raises `ValidationError` (message in
    French, for the volunteer) otherwise; nothing is written anywhere.
    """
    if not upload.size:
        raise ValidationError(_("Le fichier est vide."), code="empty")
    if upload.size > MAX_PROOF_BYTES:
        raise ValidationError(
            _("Le fichier pèse %(size)s Mo ; la taille maximale est de %(max)s Mo."),
            code="too_big",
            params={"size": _megabytes(upload.size), "max": MAX_PROOF_BYTES // (1024 * 1024)},
        )
    upload.seek(0)
    content = upload.read()
    content_type = _content_type(content, upload.name or "")
    extension = ACCEPTED[content_type][2]
    if content_type == "application/pdf":
        _pdf_check(content)
    else:
        content = _image_reencode(content, PILLOW_FORMATS[content_type])
    return CleanProof(content=content, content_type=content_type, extension=extension)


def proof_attach(profile: VolunteerProfile, proof: CleanProof) -> None:
    """Store `proof` as `profile`'s proof of level, under a random name (row not saved).

    The previous file, if any, is deleted once the current transaction commits: call it
    inside the transaction that saves the row.
    """
    previous = profile.proof_file.name
    profile.proof_file.save(
        "justificatif" + proof.extension, ContentFile(proof.content), save=False
    )
    profile.proof_content_type = proof.content_type
    if previous:
        _delete_on_commit(profile, previous)


def proof_discard(profile: VolunteerProfile) -> None:
    """Forget `profile`'s proof file; the stored file is deleted after commit (row not saved)."""
    previous = profile.proof_file.name
    profile.proof_file = ""
    profile.proof_content_type = ""
    if previous:
        _delete_on_commit(profile, previous)


def _delete_on_commit(profile: VolunteerProfile, name: str) -> None:
    transaction.on_commit(partial(profile.proof_file.storage.delete, name))


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _content_type(content: bytes, name: str) -> str:
    """The accepted MIME type sniffed from `content`, checked against `name`'s extension."""
    sniffed = filetype.guess_mime(content)
    if sniffed not in ACCEPTED:
        raise ValidationError(
            _(
                "Ce fichier n'est ni un PDF, ni une image JPEG ou PNG (son contenu a été "
                "vérifié, pas seulement son nom). Formats acceptés : PDF, JPEG, PNG."
            ),
            code="type",
        )
    kind, extensions, expected = ACCEPTED[sniffed]
    extension = Path(name).suffix.lower()
    if extension not in extensions:
        raise ValidationError(
            _(
                "Ce fichier est un %(kind)s, mais son nom se termine par « %(extension)s » : "
                "renommez-le en %(expected)s ou choisissez le bon fichier."
            ),
            code="extension",
            params={
                "kind": kind,
                "extension": extension or _("(sans extension)"),
                "expected": expected,
            },
        )
    return sniffed


def _image_reencode(content: bytes, image_format: str) -> bytes:
    """Decode the image fully and re-encode its pixels alone, upright, in the same format."""
    try:
        # A bomb must be refused in production too, not only where warnings are errors.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=[image_format]) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
        if upright.mode not in KEPT_MODES[image_format]:
            upright = upright.convert("RGBA" if image_format == "PNG" else "RGB")
        # A new image holds the pixels and nothing else: no EXIF, ICC profile or text chunk.
        clean = Image.new(upright.mode, upright.size)
        clean.paste(upright)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValidationError(
            _("L'image a trop de pixels : réduisez sa définition ou envoyez-la en PDF."),
            code="image_too_large",
        ) from error
    except Exception as error:  # Pillow raises many kinds on hostile input, like ImageField.
        raise ValidationError(
            _(
                "L'image est illisible ou incomplète : enregistrez-la de nouveau en JPEG ou "
                "PNG, ou envoyez un PDF."
            ),
            code="image",
        ) from error
    output = io.BytesIO()
    options = {"quality": 90} if image_format == "JPEG" else {}
    clean.save(output, format=image_format, **options)
    return output.getvalue()


def _pdf_check(content: bytes) -> None:
    """Refuse a PDF that pypdf cannot read, that has no page, or that has a password."""
    try:
        reader = PdfReader(io.BytesIO(content))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as error:  # pypdf raises many kinds on a damaged file.
        raise ValidationError(
            _("Ce PDF est illisible ou endommagé : enregistrez-le de nouveau en PDF."),
            code="pdf",
        ) from error
    if encrypted:
        raise ValidationError(
            _("Ce PDF est protégé par un mot de passe : envoyez une version sans protection."),
            code="pdf_encrypted",
        )
    if not pages:
        raise ValidationError(_("Ce PDF ne contient aucune page."), code="pdf_empty")
