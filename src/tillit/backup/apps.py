from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "tillit.backup"
    label = "backup"
