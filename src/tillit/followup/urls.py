"""Routes of the follow-up: the plan under /o/<org>/ and the calendar feed (by secret token)."""

from __future__ import annotations

from django.urls import path

from tillit.followup import views

organisation_patterns = [
    path("followup/", views.plan, name="followup-plan"),
    path("followup/policy/", views.policy, name="followup-policy"),
    path("followup/calendar/", views.calendar_reset, name="followup-calendar-reset"),
]

feed_patterns = [
    path("calendar/<str:token>.ics", views.calendar_feed, name="followup-calendar"),
]
