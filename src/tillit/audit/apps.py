from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tillit.audit"
    label = "audit"
