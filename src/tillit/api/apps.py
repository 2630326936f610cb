from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "tillit.api"
    label = "api"

    def ready(self) -> None:
        # Registers the OpenAPI description of the bearer-token authentication.
        import tillit.api.schema  # noqa: F401
