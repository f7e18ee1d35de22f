"""PDFs that could act by themselves in a reader (scripts, actions, attached files) are refused, wherever the
names hide: escaped, behind a reference, or packed in a compressed object stream."""

import io
import os
import re
import struct
import zlib

import pytest

from attendance.models import Document, Justification
from attendance.tests.test_uploads import stored_files, submit
from attendance_system.errors import DomainError

pytestmark = pytest.mark.django_db


def raw_pdf(catalog=b"", page=b"", *more, listed=None):
    """A one-page PDF written by hand: the catalog (object 1) and the page (3) with extra entries, then objects
    4, 5, ... with a classic cross-reference table of the first `listed` objects (all by default: a reader that
    repairs a file finds the others by their `obj` lines)."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] " + page + b" >>",
        *more,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    offsets = offsets[:listed]
    table = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(offsets) + 1, table))
    return out.getvalue()


def pdf_with_object_stream(catalog, *packed):
    """A PDF 1.5 whose catalog (object 1) and objects 5, 6, ... are packed in a compressed object stream
    (object 4) listed by a cross-reference stream: none of their names is in the file's bytes."""
    numbers, bodies = [1, *range(5, 5 + len(packed))], [b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>", *packed]
    offsets, data = [], b""
    for body in bodies:
        offsets.append(len(data))
        data += body + b"\n"
    header = b" ".join(b"%d %d" % pair for pair in zip(numbers, offsets, strict=True)) + b"\n"
    squeezed = zlib.compress(header + data)
    plain = [
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        b"<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (len(bodies), len(header), len(squeezed), squeezed),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.5\n")
    rows = {0: (0, 0, 65535), **{number: (2, 4, index) for index, number in enumerate(numbers)}}
    for number, body in enumerate(plain, 2):
        rows[number] = (1, out.tell(), 0)
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = 5 + len(packed)
    rows[xref] = (1, out.tell(), 0)
    table = b"".join(struct.pack(">BIH", *rows[number]) for number in range(xref + 1))
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n"
        % (xref, xref + 1, len(table), table)
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % rows[xref][1])
    return out.getvalue()


SCRIPT = "This PDF contains scripts (JavaScript)."
ACTION = "This PDF runs actions by itself"
ON_OPENING = "This PDF runs an action when it is opened."
ATTACHED = "This PDF has files attached to it."
LINK = b"/Annots [4 0 R]"


def annotation(action):
    return b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A " + action + b" >>"


ACTIVE_PDFS = {
    "javascript-on-opening": (raw_pdf(b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"), SCRIPT),
    "javascript-in-the-names": (
        raw_pdf(b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>", b"", b"<< /S /JavaScript /JS (app.alert(1)) >>"),
        SCRIPT,
    ),
    "script-left-out-of-the-cross-references": (
        raw_pdf(
            b"",
            b"/Annots [4 0 R]",
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A 5 0 R >>",
            b"<< /S /JavaScript /JS (app.alert(1)) >>",
            listed=4,
        ),
        SCRIPT,
    ),
    "escaped-name": (raw_pdf(b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"), SCRIPT),
    "name-by-reference": (raw_pdf(b"", LINK, annotation(b"<< /S 5 0 R /F (calc.exe) >>"), b"/Launch"), ACTION),
    "launch-on-a-click": (raw_pdf(b"", LINK, annotation(b"<< /S /Launch /F (calc.exe) >>")), ACTION),
    "submit-form": (raw_pdf(b"", LINK, annotation(b"<< /S /SubmitForm /F (https://evil.example) >>")), ACTION),
    "website-on-opening": (raw_pdf(b"/OpenAction << /S /URI /URI (https://evil.example) >>"), ON_OPENING),
    "additional-actions": (raw_pdf(b"", b"/AA << /O << /S /Named /N /NextPage >> >>"), ACTION),
    "embedded-file": (
        raw_pdf(
            b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>",
            b"",
            b"<< /Type /Filespec /F (a.exe) /EF << /F 5 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length 2 >>\nstream\nMZ\nendstream",
        ),
        ATTACHED,
    ),
    "attachment-annotation": (
        raw_pdf(
            b"",
            b"/Annots [4 0 R]",
            b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 5 0 R >>",
            b"<< /Type /Filespec /F (a.exe) >>",
        ),
        ATTACHED,
    ),
    "in-a-compressed-object-stream": (
        pdf_with_object_stream(b"/Names << /JavaScript << /Names [(x) 5 0 R] >> >>", b"<< /S /JavaScript /JS (1) >>"),
        SCRIPT,
    ),
}


@pytest.mark.parametrize(("data", "message"), ACTIVE_PDFS.values(), ids=ACTIVE_PDFS.keys())
def test_a_pdf_that_could_act_by_itself_is_refused_with_nothing_stored(cast, settings, data, message):
    with pytest.raises(DomainError, match=re.escape(message)) as refused:
        submit(cast, "note.pdf", data)
    assert "Print it to a new PDF, or scan the paper, and send that." in refused.value.message
    assert list(Justification.objects.all()) == [cast.justification]
    assert stored_files(settings) == [os.path.basename(Document.objects.get().file.name)]


def test_the_compressed_pdf_hides_its_script_from_a_scan_of_its_bytes():
    data, _ = ACTIVE_PDFS["in-a-compressed-object-stream"]
    assert b"JavaScript" not in data
    assert b"/ObjStm" in data


@pytest.mark.parametrize(
    "data",
    [
        raw_pdf(b"/OpenAction [3 0 R /Fit]"),
        raw_pdf(b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
        raw_pdf(b"", LINK, annotation(b"<< /S /URI /URI (https://www.example.org/) >>")),
        raw_pdf(b"/PageLabels << /Nums [0 << /S /D >>] >>"),
        pdf_with_object_stream(b"/PageMode /UseNone"),
    ],
    ids=["open-at-the-first-page", "go-to-a-page-on-opening", "a-link", "page-labels", "object-stream"],
)
def test_a_pdf_with_only_pages_links_and_jumps_is_accepted(cast, data):
    [justification] = submit(cast, "letter.pdf", data)
    assert justification.document.content_type == "application/pdf"
