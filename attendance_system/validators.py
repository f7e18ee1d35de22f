import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def no_control_characters(value):
    """Names travel into email headers, exports and pages: a line break or another control character in one
    (`Bernard\\r\\nBcc: ...`) is refused where it is typed."""
    if any(unicodedata.category(character) == "Cc" for character in value):
        raise ValidationError(_("Line breaks and other control characters are not allowed here."), code="control")
