from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tillit.accounts"
    label = "accounts"
