from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tillit.imports"
    label = "imports"
