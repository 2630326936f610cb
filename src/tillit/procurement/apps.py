from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "tillit.procurement"
    label = "procurement"
