"""Every user-facing string is marked for translation, and every marked string is translated in every catalogue."""

import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.utils.translation import to_locale

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "node_modules", "staticfiles", "media", ".git", "test-artifacts", "locale"}
# Attributes a person reads or hears (a screen reader reads aria-label and title; JavaScript shows data-*-text).
READ_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "aria-roledescription", "label"}
PLACEHOLDER = "\x00"
WORD = re.compile(r"[^\W\d_]{2,}")
# Text that is the same in every language, each with why.
ALLOWED = {
    # Demo login addresses are data (seed_demo's accounts), shown on the login page in development only.
    ("registration/login.html", "admin@demo.school"),
    ("registration/login.html", "teacher1@demo.school"),
    ("registration/login.html", "teacher2@demo.school"),
    ("registration/login.html", "student1@demo.school"),
    ("registration/login.html", "student60@demo.school"),
    ("registration/login.html", "parent1@demo.school"),
    ("registration/login.html", "parent2@demo.school"),
}


def templates():
    for path in sorted(ROOT.rglob("templates/**/*")):
        if path.is_file() and not SKIPPED_DIRS & set(path.relative_to(ROOT).parts):
            yield path


def name_of(path):
    parts = path.relative_to(ROOT).parts
    return "/".join(parts[parts.index("templates") + 1 :])


def unmarked_source(source):
    """The template with every tag, variable and comment, and the inside of translation blocks, replaced by a
    placeholder: what is left is the text written as it is, in whatever language the template is in."""
    kept, skipping = [], None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            command = token.contents.split()[0] if token.contents else ""
            if skipping is None and command in {"blocktranslate", "blocktrans", "comment", "verbatim"}:
                skipping = {"blocktranslate": "endblocktranslate", "blocktrans": "endblocktrans"}.get(
                    command, "end" + command
                )
            elif command == skipping:
                skipping = None
            kept.append(PLACEHOLDER)
        elif token.token_type == TokenType.TEXT and skipping is None:
            kept.append(token.contents)
        else:
            kept.append(PLACEHOLDER)
    return "".join(kept)


class TextFinder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self.hidden += 1
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or (name.startswith("data-") and name.endswith("-text"))):
                self.found.append(value)
        if tag == "input":
            kind = dict(attrs).get("type")
            if kind in {"submit", "button", "reset"} and dict(attrs).get("value"):
                self.found.append(dict(attrs)["value"])

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.found.append(data)


def unmarked_texts(path):
    source = unmarked_source(path.read_text())
    if path.suffix == ".html":
        finder = TextFinder()
        finder.feed(source)
        pieces = finder.found
    else:
        pieces = [source]
    texts = []
    for piece in pieces:
        for text in piece.split(PLACEHOLDER):
            text = " ".join(text.split())
            if WORD.search(text) and (name_of(path), text) not in ALLOWED:
                texts.append(text)
    return texts


def test_every_user_facing_string_in_a_template_is_marked_for_translation():
    unmarked = {name_of(path): texts for path in templates() if (texts := unmarked_texts(path))}
    assert not unmarked, "Put these in {% translate %} or {% blocktranslate %}: " + repr(unmarked)


COPY_IGNORED = [*SKIPPED_DIRS - {"locale"}, "__pycache__", "*.mo", "*.sqlite3*"]


def msgfmt(catalogue):
    """msgfmt's verdict on a catalogue: it checks that each translation keeps its placeholders."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(catalogue)], capture_output=True, text=True
    )
    return result.returncode, result.stderr


def missing(catalogue, which):
    entries = subprocess.run(["msgattrib", which, "--no-wrap", str(catalogue)], capture_output=True, text=True).stdout
    return [line[len("msgid ") :] for line in entries.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_every_marked_string_is_translated_in_every_catalogue(tmp_path):
    """scripts/messages.sh (makemessages) in a copy of the project merges the strings marked now into the committed
    catalogues: none may be left untranslated or fuzzy, and every translation keeps its placeholders."""
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*COPY_IGNORED))
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    subprocess.run(["bash", "scripts/messages.sh"], cwd=copy, env=environment, check=True, capture_output=True)
    catalogues = sorted(copy.glob("locale/*/LC_MESSAGES/django.po"))
    assert {path.parent.parent.name for path in catalogues} == {"pt_BR", "fr"}
    for catalogue in catalogues:
        language = catalogue.parent.parent.name
        assert not missing(catalogue, "--untranslated"), f"translate these in locale/{language}: scripts/messages.sh"
        assert not missing(catalogue, "--only-fuzzy"), f"check these in locale/{language} and remove 'fuzzy'"
        status, verdict = msgfmt(catalogue)
        assert status == 0, verdict


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_each_offered_language_has_its_catalogue(language):
    catalogue = ROOT / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po"
    assert catalogue.exists(), f"scripts/messages.sh -l {to_locale(language)}"
