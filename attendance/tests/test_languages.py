"""A record's history says why in its reader's language; a teacher's own words stay as written."""

import pytest
from django.urls import reverse
from django.utils import translation

from attendance import services

pytestmark = pytest.mark.django_db


def history_page(client, user, record):
    client.force_login(user)
    return client.get(reverse("attendance:record_detail", args=[record.pk])).text


def test_a_reason_written_by_the_application_reads_in_each_readers_language(cast, client):
    with translation.override("en"):
        services.record_validate(record=cast.record, by=cast.teacher)
    cast.teacher.language = "fr"
    cast.teacher.save(update_fields=["language"])
    assert "<td>Validé</td>" in history_page(client, cast.teacher, cast.record)
    cast.teacher.language = "pt-br"
    cast.teacher.save(update_fields=["language"])
    assert "<td>Validado</td>" in history_page(client, cast.teacher, cast.record)


def test_a_teachers_own_reason_stays_as_written(cast, client):
    services.record_reject(record=cast.record, by=cast.teacher, reason="Pas dans la salle")
    cast.teacher.language = "pt-br"
    cast.teacher.save(update_fields=["language"])
    assert "<td>Pas dans la salle</td>" in history_page(client, cast.teacher, cast.record)
