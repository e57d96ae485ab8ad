"""What the incident list keeps between requests, and what it writes without the template
engine, is exactly what it read and wrote before: fresh after a codebook change in any
process, and the same HTML."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import reverse

from casebook.cases.services import incident_reindex
from casebook.casework.views.rows import incident_rows_html
from casebook.codebook.models import ActType, Organisation, Revision
from casebook.redaction.shown import ShownText
from tests.factories import IncidentFactory, ProtestFactory

LIST = reverse("casework:incident-list")

# The rows as the list's template wrote them before they were written in Python.
TEMPLATE_ROWS = """{% for incident, acts, sources in rows %}
    <tr>
      {# data-label names each cell where a narrow screen shows a row as a card (casebook.css). #}
      <td class="ref"><a href="{{ incident.get_absolute_url }}">{{ incident.reference }}</a></td>
      <td class="date">{{ incident.date_display }}</td>
      <td class="title">{{ incident.title }}{% if incident.title.unreviewed %} <small class="unreviewed" title="Redacted by machine and not yet checked by a person: it can miss a name.">unreviewed redaction</small>{% endif %}{% if incident.protest %}<br><small class="muted">{{ incident.protest.name }}</small>{% endif %}</td>
      <td data-label="Force">{{ incident.force.name|default:"—" }}</td>
      <td data-label="Place">{{ incident.place|default:"—" }}</td>
      <td class="state"><span class="status status-{{ incident.status }}">{{ incident.get_status_display }}</span></td>
      <td data-label="Acts">{{ acts|default:"—" }}</td>
      <td class="num" data-label="Sources">{{ sources }}</td>
    </tr>
    {% endfor %}"""  # noqa: E501


@pytest.mark.django_db
def test_rows_are_the_html_the_template_wrote(reference_data):
    force = Organisation.objects.order_by("name").first()
    protest = ProtestFactory(name='March "for" <Justice> & more')
    incidents = [
        IncidentFactory(title="Kettled <b>at</b> the station & held", force=force, place=""),
        IncidentFactory(title="Placards seized", force=None, protest=protest, place="Testford"),
        IncidentFactory(title="A plain title", status="verified", date_precision="month"),
    ]
    # A reader who may not see people reads a title redacted, unreviewed.
    incidents[2].title = ShownText("[PERSON] was arrested", unreviewed=True)
    rows = [
        (incidents[0], "3 arrests, 1 seizure", 2),
        (incidents[1], "", 0),
        (incidents[2], "arrest (number unknown) <odd>", 12345),
    ]
    expected = Template(TEMPLATE_ROWS).render(Context({"rows": rows}))
    assert incident_rows_html(rows) == expected


@pytest.fixture
def coordinator_client(client_for):
    return client_for("coordinator")


def select_options(response, name: str) -> str:
    html = response.content.decode()
    start = html.index(f'<select name="{name}"')
    return html[start : html.index("</select>", start)]


@pytest.mark.django_db
def test_a_new_act_type_is_offered_at_once(coordinator_client):
    before = coordinator_client.get(LIST)
    assert "Kettle photographed" not in select_options(before, "act_type")
    ActType.objects.create(slug="kettle-photo", label="Kettle photographed", position=99)
    after = coordinator_client.get(LIST)
    assert "Kettle photographed" in select_options(after, "act_type")
    # And the filter fields kept for a filtered page are forgotten too.
    filtered = coordinator_client.get(LIST, {"force": Organisation.objects.first().slug})
    assert "Kettle photographed" in select_options(filtered, "act_type")


@pytest.mark.django_db
def test_filter_fields_kept_one_by_one_are_the_html_the_template_writes(coordinator_client):
    """Each filter field is kept for its own value: a page of filters never asked together
    is put together from kept fields, byte for byte what the template writes for them."""
    force = Organisation.objects.order_by("name").first().slug
    protest = ProtestFactory(name="Invented <march> & rally")
    pages = [
        {},
        {"force": force},
        {"act_type": "arrest", "date_from": "2024-01-01", "sort": "title"},
        {"force": force, "act_type": "arrest", "status": "verified", "tag": ""},
        {"period": "2024-Q1", "country": "GB", "unrecorded": "force", "protest": protest.pk},
        {"coarse": "month", "date_to": "2024-12-31", "provision": "", "outcome": ""},
        {"force": force, "date_from": "2024-01-01"},  # both values kept by pages above
    ]
    for params in pages:
        response = coordinator_client.get(LIST, params)
        assert response.status_code == 200
        form = response.context["form"]
        assert form.is_valid()
        written = render_to_string("casework/_incident_filters.html", {"form": form})
        assert response.context["filter_fields"] == written.removesuffix("\n"), params
        assert str(response.context["filter_fields"]) in response.content.decode()


@pytest.mark.django_db
def test_an_invalid_filter_is_marked_beside_kept_fields(coordinator_client):
    coordinator_client.get(LIST, {"force": Organisation.objects.first().slug})
    response = coordinator_client.get(LIST, {"date_from": "not a date"})
    page = response.content.decode()
    assert 'name="date_from" value="not a date"' in page
    assert 'aria-invalid="true"' in page
    assert "Give the from date as a date" in page


@pytest.mark.django_db
def test_an_orm_write_to_the_codebook_raises_its_revision(reference_data):
    number = Revision.objects.get(pk=1).number
    act_type = ActType.objects.get(slug="arrest")
    act_type.label = "Arrested"
    act_type.save()
    Organisation.objects.filter(slug=Organisation.objects.first().slug).first().delete()
    assert Revision.objects.get(pk=1).number == number + 2


@pytest.mark.django_db(transaction=True)
def test_a_codebook_change_in_another_process_is_seen_at_once(reference_data, client_for):
    """Another process writes through its own connection: a renamed term (its save raised
    the revision there) and a term inserted in bulk, without signals (its id is new)."""
    client = client_for("coordinator")
    assert "Detained" not in select_options(client.get(LIST), "act_type")
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "UPDATE codebook_acttype SET label = %s WHERE slug = %s", ["Detained", "arrest"]
            )
            cursor.execute("UPDATE codebook_revision SET number = number + 1 WHERE id = 1")
        assert "Detained" in select_options(client.get(LIST), "act_type")
        with other.cursor() as cursor:
            cursor.execute(
                "INSERT INTO codebook_acttype (slug, label, description, position, counts) "
                "VALUES (%s, %s, '', 99, 'people')",
                ["leafleting-ban", "Leafleting ban"],
            )
        assert "Leafleting ban" in select_options(client.get(LIST), "act_type")
    finally:
        other.close()


@pytest.mark.django_db(transaction=True)
def test_a_role_taken_away_counts_from_the_next_request(reference_data, personas, client_for):
    """Roles are read with the user on every request, never kept: a caseworker demoted by
    another process (its own connection) no longer reads the list at the next request."""
    client = client_for("caseworker")
    assert client.get(LIST).status_code == 200
    user = personas["caseworker"]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_user_groups WHERE user_id = %s", [user.pk])
    finally:
        other.close()
    refused = client.get(LIST)
    assert refused.status_code == 403
    # Given back in this process, through the ORM: again at once.
    user.groups.add(Group.objects.get(name="caseworker"))
    assert client.get(LIST).status_code == 200
    user.is_active = False
    user.save()
    assert client.get(LIST).status_code != 200


@pytest.mark.django_db
def test_an_unfinished_word_matches_only_while_it_is_typed(client_for, reference_data):
    """The search box sends its words as they are typed (casebook.js marks those requests):
    the last word may be unfinished. A search submitted matches whole (stemmed) words."""
    incident = IncidentFactory(title="Synthetic wombatfolk assembly dispersed")
    incident_reindex([incident.pk])
    client = client_for("coordinator")
    typing = {"HX-Request": "true", "HX-Target": "results", "X-Casebook-Typing": "true"}

    def found(params, headers=None) -> list[str]:
        response = client.get(LIST, params, headers=headers or {})
        return [row.reference for row, _acts, _sources in response.context["rows"]]

    assert found({"q": "wombatf"}, typing) == [incident.reference]
    assert found({"q": "wombatf"}) == []
    assert found({"q": "wombatf"}, {"HX-Request": "true", "HX-Target": "results"}) == []
    assert found({"q": "wombatfolk"}) == [incident.reference]
    assert found({"q": "assembly dispersing"}) == [incident.reference]  # stemmed
