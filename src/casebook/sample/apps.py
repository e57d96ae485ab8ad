from django.apps import AppConfig


class SampleConfig(AppConfig):
    """The synthetic data generator; an app so that `casebook load_sample` lives with it."""

    name = "casebook.sample"
    label = "sample"
    verbose_name = "Synthetic sample data"
