from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "tillit.suppliers"
    label = "suppliers"
