"""The API's resources, one module per bounded context. A new context (assessments, follow-up,
incidents, risks) adds a module here and its routes in tillit/api/urls.py."""
