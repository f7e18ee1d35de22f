"""How the notifications courses sends read, in the reader's language (notifications.texts)."""

from django.utils.translation import gettext as _

from courses.models import session_label
from notifications.models import Kind
from notifications.texts import local_moment, moment, renders


def session_params(session, **more):
    return {"course": session.course.code, "starts_at": moment(session.starts_at), **more}


def label(params):
    return session_label(params["course"], local_moment(params["starts_at"]))


@renders(Kind.SESSION_CANCELLED)
def session_cancelled(params):
    return _("Cancelled: %(session)s") % {"session": label(params)}, params["reason"]


@renders(Kind.SESSION_RESTORED)
def session_restored(params):
    return _("Takes place after all: %(session)s") % {"session": label(params)}, ""
