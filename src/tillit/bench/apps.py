from django.apps import AppConfig


class BenchConfig(AppConfig):
    name = "tillit.bench"
    label = "bench"
