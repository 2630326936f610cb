from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "tillit.organisations"
    label = "organisations"
