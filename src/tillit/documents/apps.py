from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tillit.documents"
    label = "documents"
