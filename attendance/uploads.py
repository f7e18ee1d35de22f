"""Justification documents are checked by what they contain, never by their name alone."""

from pathlib import Path

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from attendance_system.errors import DomainError

EXTENSIONS = {"application/pdf": {".pdf"}, "image/png": {".png"}, "image/jpeg": {".jpg", ".jpeg"}}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"


def size_limit():
    """The largest document accepted (UPLOAD_MAX_BYTES), as people read it: "5.0 MB"."""
    return filesizeformat(settings.UPLOAD_MAX_BYTES)


def accepted():
    return _("Accepted: a PDF, JPEG or PNG document of at most %(size)s.") % {"size": size_limit()}


def document_help_text():
    return _("A PDF, JPEG or PNG of at most %(size)s, such as a medical certificate.") % {"size": size_limit()}


def _refuse(message):
    raise DomainError(f"{message} {accepted()}")


def too_large():
    return _("The file is larger than %(size)s.") % {"size": size_limit()}


def document_input_attrs():
    """For the document's file input: app.js refuses a larger file before it is sent, with the server's words."""
    return {"data-max-bytes": settings.UPLOAD_MAX_BYTES, "data-too-large-text": f"{too_large()} {accepted()}"}


# Names whose presence anywhere in a PDF refuses it, by what they would do in a reader's hands.
SCRIPT_KEYS = {"/JS", "/JavaScript", "/XFA"}
ATTACHMENT_KEYS = {"/EmbeddedFiles", "/EF"}
# Actions that run a script, start a program, open or send a file, or play media; a link (/URI) or a jump in
# the document (/GoTo, /Named) waits for a click and is harmless.
DANGEROUS_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/SubmitForm",
    "/ImportData",
    "/GoToR",
    "/GoToE",
    "/Rendition",
    "/RichMediaExecute",
}


def _objects(reader):
    """Every object of the file, those packed in compressed object streams included, referred to or not; and
    every object the file refers to from its trailer on, listed in its cross-reference tables or not (a reader
    that repairs a file finds those by their `obj` lines, and so does pypdf)."""
    for generation, numbers in reader.xref.items():
        for number in numbers:
            yield reader.get_object(IndirectObject(number, generation, reader))
    for number in reader.xref_objStm:
        yield reader.get_object(number)
    yield from _referred(reader.trailer)


def _referred(trailer):
    seen, stack = set(), [trailer]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
            yield item
        if isinstance(item, DictionaryObject):
            stack.extend(dict.values(item))
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))


def _dictionaries(root):
    """The dictionaries held directly in an object (nested ones too); referred objects are visited on their own."""
    stack = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):
            yield item
            stack.extend(item.values())
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _value(dictionary, key):
    """A dictionary's value, resolved when it is a reference (a name may be one, to hide from a simple scan)."""
    return dictionary[key] if key in dictionary else None  # noqa: SIM401 (get() would not resolve it)


def _active_content(reader):
    """Why the PDF could act by itself in a reader (a message), or None."""
    for item in _objects(reader):
        for dictionary in _dictionaries(item):
            keys, action = set(dictionary.keys()), _value(dictionary, "/S")
            if keys & SCRIPT_KEYS or action == "/JavaScript":
                return _("This PDF contains scripts (JavaScript).")
            if (
                keys & ATTACHMENT_KEYS
                or _value(dictionary, "/Type") == "/EmbeddedFile"
                or _value(dictionary, "/Subtype") == "/FileAttachment"
            ):
                return _("This PDF has files attached to it.")
            if "/AA" in keys or action in DANGEROUS_ACTIONS:
                return _("This PDF runs actions by itself (on opening a page, or to start a program or send data).")
    opening = _value(reader.trailer["/Root"], "/OpenAction")
    # An OpenAction that only opens at a page (what LaTeX and office suites write) does nothing else.
    if isinstance(opening, DictionaryObject) and _value(opening, "/S") != "/GoTo":
        return _("This PDF runs an action when it is opened.")
    return None


# What pypdf may raise on a malformed file, its own errors aside: any of them means the PDF cannot be read.
UNREADABLE = (PyPdfError, ValueError, OSError, KeyError, TypeError, AttributeError, IndexError, RecursionError)


def _check_pdf(upload):
    try:
        reader = PdfReader(upload, strict=False)
        if len(reader.pages) < 1:
            _refuse(_("This PDF has no page."))
        active = _active_content(reader)
    except UNREADABLE:
        _refuse(_("This file is not a readable PDF."))
    if active:
        _refuse(_("%(why)s Print it to a new PDF, or scan the paper, and send that.") % {"why": active})


def _check_image(upload, expected_formats):
    try:
        # Image.open reads the header only: a decompression bomb is refused before a pixel is decoded, and
        # Pillow's process-wide Image.MAX_IMAGE_PIXELS is left alone.
        with Image.open(upload) as image:
            if image.format not in expected_formats:
                _refuse(_("This file is not a valid image."))
            width, height = image.size
            if width * height > settings.UPLOAD_MAX_IMAGE_PIXELS:
                _refuse(_("This image is too large in pixels."))
            # A PNG's every chunk against its checksum, still without decoding.
            image.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            # Decoding reads the whole image; a JPEG is decoded at 1/8 of its width and height, in 1/64 of the
            # memory. A PNG takes up to 4 bytes a pixel, so UPLOAD_MAX_IMAGE_PIXELS bounds its memory.
            image.draft(image.mode, (1, 1))
            image.load()
    except Image.DecompressionBombError:
        # Pillow's own cap, when it is below UPLOAD_MAX_IMAGE_PIXELS, refuses at open.
        _refuse(_("This image is too large in pixels."))
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        _refuse(_("This file is not a valid image."))


def check_document(upload):
    """Return (content type, cleaned original name) for an acceptable upload; raise DomainError otherwise."""
    name = upload.name or ""
    if ".." in name or "/" in name or "\\" in name:
        _refuse(_("The file name is not acceptable."))
    if not upload.size:
        _refuse(_("The file is empty."))
    if upload.size > settings.UPLOAD_MAX_BYTES:
        _refuse(too_large())
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        content_type = "application/pdf"
        _check_pdf(upload)
    elif head.startswith(PNG_SIGNATURE):
        content_type = "image/png"
        _check_image(upload, {"PNG"})
    elif head.startswith(JPEG_SIGNATURE):
        content_type = "image/jpeg"
        # Phones add a second picture (a depth map, a preview) to many photos: Pillow names those MPO.
        _check_image(upload, {"JPEG", "MPO"})
    else:
        _refuse(_("This type of file is not accepted."))
    if Path(name).suffix.lower() not in EXTENSIONS[content_type]:
        _refuse(_("The file's name does not match what it contains."))
    upload.seek(0)
    return content_type, get_valid_filename(Path(name).name)[:200] or "document"
