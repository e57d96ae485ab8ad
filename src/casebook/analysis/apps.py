from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "casebook.analysis"
    label = "analysis"
    verbose_name = "Analysis"

    def ready(self) -> None:
        from casebook.analysis.freshness import freshness_connect

        freshness_connect()
