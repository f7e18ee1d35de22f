"""Hostile uploads are refused with nothing stored; good ones are kept under a random name."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageFile
from pypdf import PdfWriter

from attendance import services
from attendance.forms import JustificationForm
from attendance.models import Document, Justification
from attendance.tests.factories import png_bytes
from attendance_system.errors import DomainError
from courses.models import ClassSession
from courses.tests.factories import ClassSessionFactory

pytestmark = pytest.mark.django_db


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def bomb_png():
    """A PNG that declares more pixels than allowed (64 million, against 40 by default); small on disk, huge
    once decoded. Below Pillow's own cap (89 million), so that the check here is the one that refuses it."""
    buffer = io.BytesIO()
    Image.new("1", (8_000, 8_000)).save(buffer, "PNG")
    return buffer.getvalue()


def submit(cast, name, data):
    return services.justification_submit(
        student=cast.student,
        submitted_by=cast.student,
        sessions=[ClassSessionFactory(course=cast.course)],
        reason="illness",
        explanation="Flu",
        upload=SimpleUploadedFile(name, data),
    )


def stored_files(settings):
    root = settings.MEDIA_ROOT / "justifications"
    return sorted(os.listdir(root)) if root.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("note.pdf", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("note.pdf", png_bytes(), "does not match"),
        ("note.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), "larger than 5.0\xa0MB"),
        ("bomb.png", bomb_png(), "too large in pixels"),
        ("note.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not accepted"),
        ("..\\..\\note.pdf", pdf_bytes(), "name is not acceptable"),
        ("empty.pdf", b"", "empty"),
        ("broken.pdf", b"%PDF-1.4\nthis is not a pdf", "not a readable PDF"),
        ("broken.png", png_bytes()[:40], "not a valid image"),
    ],
    ids=[
        "html-as-pdf",
        "png-as-pdf",
        "6-mb",
        "decompression-bomb",
        "svg",
        "dotdot-name",
        "empty",
        "bad-pdf",
        "bad-png",
    ],
)
def test_hostile_uploads_are_refused_with_nothing_stored(cast, settings, name, data, message):
    before = set(Justification.objects.values_list("pk", flat=True))
    with pytest.raises(DomainError, match=message) as refused:
        submit(cast, name, data)
    assert "Accepted: a PDF, JPEG or PNG document of at most 5.0\xa0MB." in refused.value.message
    assert set(Justification.objects.values_list("pk", flat=True)) == before
    assert Document.objects.count() == 1  # the cast's own
    assert stored_files(settings) == [os.path.basename(Document.objects.get().file.name)]


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [("certificate.pdf", pdf_bytes(), "application/pdf"), ("photo.JPG", jpeg_bytes(), "image/jpeg")],
)
def test_good_documents_are_kept_under_a_random_name(cast, name, data, content_type):
    [justification] = submit(cast, name, data)
    document = justification.document
    assert document.content_type == content_type
    assert document.original_name == name
    assert "." not in os.path.basename(document.file.name)
    assert document.file.name.startswith("justifications/")


def test_a_path_in_the_name_is_dropped(cast):
    [justification] = submit(cast, "../../etc/passwd.pdf", pdf_bytes())
    assert justification.document.original_name == "passwd.pdf"
    assert justification.document.file.name.startswith("justifications/")


def test_an_image_over_the_pixel_cap_is_refused_from_its_header_and_pillows_cap_is_left_alone(
    cast, settings, monkeypatch
):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 63  # the JPEG has 8 x 8
    pillows_cap = Image.MAX_IMAGE_PIXELS

    def decode(image):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)
    with pytest.raises(DomainError, match="too large in pixels"):
        submit(cast, "photo.jpg", jpeg_bytes())
    assert pillows_cap == Image.MAX_IMAGE_PIXELS


def test_an_image_at_the_pixel_cap_is_accepted(cast, settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 64
    [justification] = submit(cast, "photo.jpg", jpeg_bytes())
    assert justification.document.content_type == "image/jpeg"


def test_pillows_own_cap_refuses_with_the_same_message(cast, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)  # twice over it, Pillow refuses at open
    with pytest.raises(DomainError, match="too large in pixels"):
        submit(cast, "photo.jpg", jpeg_bytes())


def test_the_size_limit_and_every_message_follow_the_setting(cast, settings):
    document = pdf_bytes()
    settings.UPLOAD_MAX_BYTES = len(document) - 1
    limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
    with pytest.raises(DomainError) as refused:
        submit(cast, "note.pdf", document)
    assert refused.value.message == (
        f"The file is larger than {limit}. Accepted: a PDF, JPEG or PNG document of at most {limit}."
    )
    settings.UPLOAD_MAX_BYTES = len(document)
    assert submit(cast, "note.pdf", document)


def test_the_form_tells_the_size_limit_of_the_setting(settings):
    settings.UPLOAD_MAX_BYTES = 2 * 1024 * 1024
    form = JustificationForm(sessions=ClassSession.objects.none())
    assert str(form.fields["document"].help_text) == (
        "A PDF, JPEG or PNG of at most 2.0\xa0MB, such as a medical certificate."
    )
