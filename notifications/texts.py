"""A notification is stored as its kind and parameters; its title and body are rendered when it is shown or
emailed, in the language active then: the reader's. Each app says how its kinds read (`@renders(kind)`, in its
`notices.py`, loaded when the app is ready), so this app imports none of them. Parameters are JSON values:
names and codes as they are, moments as ISO text (`moment`, shown in the reader's format and time zone), numbers
as numbers (shown with the reader's decimal mark), and what a person wrote (a reason) as they wrote it."""

from datetime import datetime

from django.utils import timezone

RENDERERS = {}


def renders(*kinds):
    """Register `function(params) -> (title, body)` as how notifications of `kinds` read."""

    def register(function):
        for kind in kinds:
            RENDERERS[kind] = function
        return function

    return register


def render(kind, params):
    """(title, body) of a notification, in the active language. A notification written before they were
    rendered for their reader keeps its words (`written`)."""
    if "title" in params:
        return params["title"], params.get("body", "")
    return RENDERERS[kind](params)


def written(title, body=""):
    """The parameters of a notification whose words are fixed: one from before languages, or a test's."""
    return {"title": title, "body": body}


def moment(value):
    return value.isoformat()


def local_moment(text):
    return timezone.localtime(datetime.fromisoformat(text))
