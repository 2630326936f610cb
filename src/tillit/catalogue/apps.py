from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "tillit.catalogue"
    label = "catalogue"
