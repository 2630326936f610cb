from django.apps import AppConfig


class ClassificationConfig(AppConfig):
    name = "tillit.classification"
    label = "classification"
