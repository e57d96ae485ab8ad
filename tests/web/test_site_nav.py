"""The main menu is kept per kind of page and reader (web/templatetags/site_nav.py): the
same HTML base.html wrote when it reversed and compared every link on each request."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from tests.factories import IncidentFactory

# The menu as base.html wrote it before it was kept.
MENU_BEFORE = """{% with current=request.resolver_match.url_name %}
        <ul class="nav-links">
          {% if user_roles %}
            <li><a href="{% url 'casework:incident-list' %}"{% if current == 'incident-list' or current == 'incident-detail' %} aria-current="page"{% endif %}>Incidents</a></li>
            <li><a href="{% url 'cases:protest-list' %}"{% if current == 'protest-list' or current == 'protest-detail' %} aria-current="page"{% endif %}>Protests</a></li>
            <li><a href="{% url 'analysis:statistics' %}"{% if request.resolver_match.app_name == 'analysis' %} aria-current="page"{% endif %}>Statistics</a></li>
          {% endif %}
          {% if may_see_people %}
            <li><a href="{% url 'people:person-list' %}"{% if request.resolver_match.app_name == 'people' %} aria-current="page"{% endif %}>People</a></li>
          {% endif %}
          {% if can_edit_cases %}
            <li><a href="{% url 'casework:incident-create' %}"{% if current == 'incident-create' %} aria-current="page"{% endif %}>New incident</a></li>
            <li><a href="{% url 'monitor:candidate-list' %}"{% if request.resolver_match.app_name == 'monitor' %} aria-current="page"{% endif %}>Monitor</a></li>
            <li><a href="{% url 'publishing:intake' %}"{% if current == 'intake' or current == 'intake-detail' %} aria-current="page"{% endif %}>Public accounts</a></li>
            <li><a href="{% url 'redaction:queue' %}"{% if request.resolver_match.app_name == 'redaction' %} aria-current="page"{% endif %}>Redaction</a></li>
          {% endif %}
          {% if can_verify %}
            <li><a href="{% url 'publishing:queue' %}"{% if request.resolver_match.app_name == 'publishing' %} aria-current="page"{% endif %}>Publishing</a></li>
            <li><a href="{% url 'releases:manage' %}"{% if request.resolver_match.app_name == 'releases' %} aria-current="page"{% endif %}>Releases</a></li>
            <li><a href="{% url 'linkage:queue' %}"{% if request.resolver_match.app_name == 'linkage' %} aria-current="page"{% endif %}>Linkage</a></li>
          {% endif %}
          {% if can_import %}
            <li><a href="{% url 'transfer:import' %}"{% if current == 'import' %} aria-current="page"{% endif %}>Import</a></li>
          {% endif %}
          {% if can_export %}
            <li><a href="{% url 'transfer:export' %}"{% if current == 'export' %} aria-current="page"{% endif %}>Export</a></li>
          {% endif %}
          {% if is_administrator %}
            <li><a href="{% url 'admin:index' %}">Admin</a></li>
          {% endif %}
        </ul>
        {% endwith %}"""  # noqa: E501

FLAGS = (
    "user_roles",
    "may_see_people",
    "can_edit_cases",
    "can_verify",
    "can_import",
    "can_export",
    "is_administrator",
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["administrator", "coordinator", "caseworker", "analyst", "outsider"]
)
def test_the_kept_menu_is_the_one_base_html_wrote(persona, client_for):
    incident = IncidentFactory()
    client = client_for(persona)
    pages = [
        reverse("casework:incident-list"),
        reverse("cases:protest-list"),
        incident.get_absolute_url(),
        reverse("casework:incident-list"),  # a second time: from what was kept
        reverse("analysis:statistics"),
        reverse("monitor:candidate-list"),
        reverse("api:tokens"),
    ]
    for page in pages:
        response = client.get(page)
        if response.status_code != 200:
            continue
        shown = {name: response.context[name] for name in FLAGS}
        expected = Template(MENU_BEFORE).render(
            Context({"request": response.wsgi_request, **shown})
        )
        html = response.content.decode()
        assert '<ul class="nav-links">' in html
        assert expected in html, (persona, page)
