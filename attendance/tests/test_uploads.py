"""Hostile uploads are refused with nothing stored; good ones are kept under a random name."""

import io
import os
import struct
import subprocess
import sys
import zlib
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageFile
from pypdf import PdfWriter
from pypdf.actions import JavaScript

from attendance import services
from attendance.forms import JustificationForm
from attendance.models import Document, Justification
from attendance.tests.factories import png_bytes
from attendance.uploads import PNG_SIGNATURE
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


def pdf_bytes_with(add):
    """A one-page PDF made by pypdf, with what `add` puts in it through the writer."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    add(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def jpeg_bytes(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, "JPEG")
    return buffer.getvalue()


def bomb_png(width=6_300, height=6_300):
    """The review's bomb: a PNG of 120 KB that declares 39.7 million RGB pixels, 160 MB once decoded by Pillow.
    Written by hand, so that making it costs no more memory than the file; below Pillow's own cap (89 million),
    so that the check here is the one that refuses it."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\0" * (1 + 3 * width)  # filter byte, then black RGB pixels
    squeeze = zlib.compressobj(9)
    pixels = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits a channel, RGB
    return PNG_SIGNATURE + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


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
    # What app.js needs to refuse a larger file before it is sent, in the words the server would use.
    assert form.fields["document"].widget.attrs == {
        "data-max-bytes": 2 * 1024 * 1024,
        "data-too-large-text": "The file is larger than 2.0\xa0MB. "
        "Accepted: a PDF, JPEG or PNG document of at most 2.0\xa0MB.",
    }


def test_the_default_pixel_cap_takes_a_phone_photo_and_refuses_the_reviews_bomb(cast):
    [justification] = submit(cast, "IMG_0001.jpg", jpeg_bytes((4_032, 3_024)))  # a 12-megapixel phone camera
    assert justification.document.content_type == "image/jpeg"
    bomb = bomb_png()
    assert len(bomb) < 128 * 1024
    with pytest.raises(DomainError, match="too large in pixels"):
        submit(cast, "bomb.png", bomb)


def test_a_phone_photo_with_a_second_picture_is_a_jpeg(cast):
    buffer = io.BytesIO()
    first, depth = Image.new("RGB", (64, 48), "white"), Image.new("RGB", (64, 48), "black")
    first.save(buffer, "MPO", save_all=True, append_images=[depth])
    [justification] = submit(cast, "portrait.jpg", buffer.getvalue())
    assert justification.document.content_type == "image/jpeg"


def test_a_jpeg_is_decoded_at_an_eighth_of_its_size(cast, monkeypatch):
    decoded = []
    load = ImageFile.ImageFile.load

    def spy(image):
        decoded.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    submit(cast, "IMG_0001.jpg", jpeg_bytes((4_032, 3_024)))
    assert decoded == [(504, 378)]


PEAK_MEMORY_OF_A_CHECK = """
import sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from attendance.uploads import check_document
from attendance_system.errors import DomainError

def kilobytes(field):
    status = open("/proc/self/status").read()
    return int(status.split(field + ":")[1].split()[0])

upload = SimpleUploadedFile("bomb.png", open(sys.argv[1], "rb").read())
open("/proc/self/clear_refs", "w").write("5")  # Linux: the peak starts again from here
before = kilobytes("VmRSS")
try:
    check_document(upload)
except DomainError as error:
    print(error.message)
else:
    print("accepted")
print(kilobytes("VmHWM") - before)
"""


def peak_memory_of_a_check(path, pixels):
    """What checking the file costs at its peak, in MB, in a process of its own: tracemalloc does not see the
    memory Pillow takes for pixels, and the peak of the tests' process may be higher already."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK_MEMORY_OF_A_CHECK, path],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "attendance_system.settings", "UPLOAD_MAX_IMAGE_PIXELS": pixels},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    outcome, kilobytes = result.stdout.splitlines()
    return outcome, int(kilobytes) / 1024


def test_the_reviews_bomb_is_refused_without_decoding_it(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_png())
    outcome, megabytes = peak_memory_of_a_check(path, "16000000")
    assert outcome.startswith("This image is too large in pixels.")
    assert megabytes < 10
    # The same file under a cap that lets it through is decoded, and that is what the measure would show.
    outcome, megabytes = peak_memory_of_a_check(path, "40000000")
    assert outcome == "accepted"
    assert megabytes > 100


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bomb.png", bomb_png(), "This image is too large in pixels."),
        (
            "note.pdf",
            pdf_bytes_with(lambda writer: writer.add_open_action(JavaScript("app.alert(1)"))),
            "This PDF contains scripts (JavaScript).",
        ),
        (
            "note.pdf",
            pdf_bytes_with(lambda writer: writer.add_attachment("setup.exe", b"MZ")),
            "This PDF has files attached to it.",
        ),
    ],
    ids=["decompression-bomb", "javascript", "attached-file"],
)
def test_the_form_shows_why_a_document_is_refused_and_keeps_nothing(client, cast, settings, name, data, message):
    session = ClassSessionFactory(course=cast.course, starts_at=timezone.now() - timedelta(days=1))
    client.force_login(cast.student)
    form = {"sessions": [session.pk], "reason": "illness", "explanation": "Flu"}
    response = client.post(
        reverse("attendance:justification_new"), {**form, "document": SimpleUploadedFile(name, data)}
    )
    assert response.status_code == 200
    assert message in response.text
    assert list(Justification.objects.all()) == [cast.justification]
    assert stored_files(settings) == [os.path.basename(Document.objects.get().file.name)]
