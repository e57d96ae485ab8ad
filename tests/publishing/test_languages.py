"""The portal in Arabic: every public string translated, laid out right to left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.publishing.world import PublishedWorld, portal_on

pytestmark = pytest.mark.django_db
PO = Path(__file__).resolve().parents[2] / "src/casebook/publishing/locale/ar/LC_MESSAGES"


@pytest.fixture
def world(reference_data):
    portal_on()
    return PublishedWorld()


def test_choosing_arabic_turns_the_portal_right_to_left(client, world):
    response = client.get(reverse("publishing:language", args=["ar"]) + "?next=/cases/")
    assert response.status_code == 302 and response["Location"] == "/cases/"
    page = client.get("/cases/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert "الحالات" in page and "ابحث في الحالات" in page
    form = client.get(reverse("publishing:submit")).content.decode()
    assert "ما الذي حدث لك، أو ما الذي رأيته" in form
    english = client.get(reverse("publishing:language", args=["en-gb"]) + "?next=/cases/")
    assert english.status_code == 302
    assert '<html lang="en-gb">' in client.get("/cases/").content.decode()


def test_a_browser_asking_for_arabic_gets_it(client, world):
    page = client.get("/cases/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert 'dir="rtl"' in page


def test_the_language_link_goes_nowhere_else(client, world):
    response = client.get(
        reverse("publishing:language", args=["ar"]) + "?next=https://elsewhere.example.test/"
    )
    assert response["Location"] == "/"
    assert client.get(reverse("publishing:language", args=["xx"])).status_code == 404


def test_every_public_string_has_its_arabic_and_the_catalogue_is_compiled():
    po = (PO / "django.po").read_text()
    empty = re.findall(r'msgid "(.+)"\nmsgstr ""\n\n', po)
    assert not empty, empty
    assert "#, fuzzy" not in po
    assert (PO / "django.mo").stat().st_mtime >= (PO / "django.po").stat().st_mtime - 1


def test_arabic_pages_give_dates_codebook_words_and_numbers_in_arabic(client, world):
    url = reverse("publishing:incident", args=[world.incident.reference])
    english = client.get(url).content.decode()
    assert "4 May 2024" in english and "Arrest" in english and "3 people" in english
    client.get(reverse("publishing:language", args=["ar"]))
    page = client.get(url).content.decode()
    assert "4 مايو، 2024" in page  # Django's Arabic date format and month
    assert "اعتقال" in page and "3 أشخاص" in page
    assert "4 May 2024" not in page and "3 people" not in page
    listed = client.get(reverse("publishing:incident-list")).content.decode()
    assert "<option" in listed and ">اعتقال</option>" in listed  # the filter's choices


def test_every_codebook_word_the_public_reads_is_listed_and_translated(reference_data):
    from django.utils import translation

    from casebook.codebook.models import ActType, OutcomeType, TriggerType
    from casebook.publishing.terms import PUBLIC_TERMS
    from casebook.sources.models import Source

    words = {str(label) for label in Source.Kind.labels}
    for model in (ActType, TriggerType, OutcomeType):
        words |= set(model.objects.values_list("label", flat=True))
    assert words <= PUBLIC_TERMS, sorted(words - PUBLIC_TERMS)
    with translation.override("ar"):
        untranslated = [w for w in PUBLIC_TERMS if translation.gettext(w) == w]
    assert not untranslated, untranslated
