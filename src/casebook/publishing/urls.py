from django.urls import path

from casebook.publishing import views
from casebook.publishing.newsletter import views as newsletter

app_name = "publishing"

# The public portal: its home is the site's address, its pages have words of their own
# (cases, news, statistics) beside the casework's (incidents, protests, analysis).
urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.incident_list, name="incident-list"),
    path("cases/protests/<int:pk>/", views.protest_detail, name="protest"),
    path("cases/<str:reference>/", views.incident_detail, name="incident"),
    path(
        "cases/<str:reference>/images/<int:evidence>/",
        views.incident_image,
        name="incident-image",
    ),
    path("statistics/", views.statistics_page, name="statistics"),
    path("statistics/chart.svg", views.statistics_chart, name="statistics-chart"),
    path("map/", views.map_page, name="map"),
    path("language/<str:code>/", views.language, name="language"),
    path("tell-us/", views.submit, name="submit"),
    path("tell-us/<str:code>/", views.receipt, name="receipt"),
    path("cases/<str:reference>/correct/", views.submit, name="correct"),
    path("news/", views.post_list, name="post-list"),
    path("news/<slug:slug>/", views.post_detail, name="post"),
    path("feeds/cases.atom", views.feed_cases, name="feed"),
    path("feeds/forces/<slug:slug>.atom", views.feed_force, name="feed-force"),
    path("feeds/acts/<slug:slug>.atom", views.feed_act_type, name="feed-act-type"),
    path("feeds/news.atom", views.feed_posts, name="feed-news"),
    # The newsletter: links carry signed random tokens, never an address.
    path("newsletter/", newsletter.signup, name="newsletter"),
    path("newsletter/confirm/<str:token>/", newsletter.confirm, name="newsletter-confirm"),
    path(
        "newsletter/unsubscribe/<str:token>/",
        newsletter.unsubscribe,
        name="newsletter-unsubscribe",
    ),
    # Staff: what is public, and the portal's settings.
    path("publishing/", views.publication_queue, name="queue"),
    path("publishing/settings/", views.portal_settings, name="settings"),
    path("publishing/intake/", views.intake_queue, name="intake"),
    path("publishing/intake/<int:pk>/", views.intake_detail, name="intake-detail"),
    path(
        "publishing/intake/<int:pk>/files/<int:file>/",
        views.intake_file,
        name="intake-file",
    ),
    path(
        "publishing/<str:reference>/<str:decision>/",
        views.publication_decide,
        name="decide",
    ),
]
