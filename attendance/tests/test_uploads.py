"""Hostile uploads are refused with nothing stored; good ones are kept under a random name."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from attendance import services
from attendance.models import Document, Justification
from attendance.tests.factories import png_bytes
from attendance_system.errors import DomainError
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
    """A PNG that declares far more pixels than allowed; small on disk, huge once decoded."""
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")
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
        ("note.pdf", b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024), "larger than 5 MB"),
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
    assert "Accepted: a PDF, JPEG or PNG document of at most 5 MB." in refused.value.message
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
