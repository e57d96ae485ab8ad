from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "casebook.people"
    label = "people"
