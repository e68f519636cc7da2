from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools, providers and partnerships"

    def ready(self):
        from schools.api import updated_at  # noqa: F401  (audits choices and pairings, moves updated_at)
