from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "tillit.web"
    label = "web"
