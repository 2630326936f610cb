from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "tillit.incidents"
    label = "incidents"
