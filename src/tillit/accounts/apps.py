from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tillit.accounts"
    label = "accounts"

    def ready(self) -> None:
        from tillit.accounts import receivers

        receivers.connect()
