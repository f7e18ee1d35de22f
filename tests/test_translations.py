"""Every user-facing string is marked for translation, and every marked string is translated in every catalogue."""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

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
