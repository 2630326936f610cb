from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tillit.api.models import TokenScope
from tillit.api.services import MAX_LIFETIME_DAYS

DEFAULT_LIFETIME_DAYS = 90


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What will use the token, e.g. “Integration with the case system”."),
    )
    scope = forms.ChoiceField(
        label=_("Access"), choices=TokenScope.choices, widget=forms.RadioSelect
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        help_text=_("At most a year from today."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, can_write: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + dt.timedelta(days=DEFAULT_LIFETIME_DAYS)
        self.fields["expires_on"].widget.attrs.update(
            min=today.isoformat(),
            max=(today + dt.timedelta(days=MAX_LIFETIME_DAYS)).isoformat(),
        )
        self.fields["scope"].initial = TokenScope.READ
        if not can_write:
            # A role that may only read gets tokens that may only read.
            scope = cast(forms.ChoiceField, self.fields["scope"])
            scope.choices = [(TokenScope.READ, TokenScope.READ.label)]
