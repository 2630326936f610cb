"""Input fields that take JSON as the OpenAPI description states it, and nothing looser.

DRF's own fields are lenient: a CharField takes 12, a BooleanField "yes", an IntegerField
"12" or 12.0, a UUIDField an integer. The API promises types in its description, so what does
not have that type is refused (the schemathesis test checks that it is). Query parameters
arrive as text: their fields parse text, strictly too.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework import serializers

from tillit.lib.dates import in_range, out_of_range

# DRF refuses a lone surrogate in any text with this message, which its Swedish catalogue lacks:
# named here so that it is translated in ours (LOCALE_PATHS, which comes first).
gettext_noop("Surrogate characters are not allowed: U+{code_point:X}.")

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_INTEGER = re.compile(r"-?[0-9]+")


class CharField(serializers.CharField):
    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class EmailField(serializers.EmailField):
    """At most 254 characters, as every e-mail column holds (the validator allows 320)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class IntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class DecimalField(serializers.DecimalField):
    """A decimal as a JSON string ("99.5"), as it is given out: no rounding through floats."""

    def to_internal_value(self, data: Any) -> Decimal:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class UUIDField(serializers.UUIDField):
    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not _UUID.fullmatch(data):
            self.fail("invalid", value=data)
        return super().to_internal_value(data)


def _in_range(value: Any) -> Any:
    if not in_range(value):
        raise serializers.ValidationError(out_of_range(), code="date_range")
    return value


class DateField(serializers.DateField):
    """YYYY-MM-DD, within tillit.lib.dates' range."""

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", data):
            self.fail("invalid", format="YYYY-MM-DD")
        return _in_range(super().to_internal_value(data))


class DateTimeField(serializers.DateTimeField):
    """ISO 8601, e.g. 2026-03-01T09:15:00+01:00 (without an offset: Swedish time)."""

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DDThh:mm[:ss][+HH:MM]")
        try:
            return _in_range(super().to_internal_value(value))
        except OverflowError:  # year 1 in Swedish time is year 0 in UTC: DRF does not catch it
            raise serializers.ValidationError(out_of_range(), code="date_range") from None


class QueryBooleanField(serializers.BooleanField):
    default_error_messages = {"invalid": _("Write true or false.")}

    def to_internal_value(self, data: Any) -> bool:
        if data not in ("true", "false"):
            self.fail("invalid")
        return bool(data == "true")


class QueryIntegerField(serializers.IntegerField):
    def to_internal_value(self, data: Any) -> int:
        if not isinstance(data, str) or not _INTEGER.fullmatch(data):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class QueryUUIDField(UUIDField):
    pass


class QueryDateField(DateField):
    pass
