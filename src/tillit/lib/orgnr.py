"""Swedish organisationsnummer: parsing, Luhn check digit, canonical form NNNNNN-NNNN.

Skatteverket's rules: ten digits, the last a Luhn check digit over the first nine; for a legal
person the third digit is at least 2 (which keeps personnummer, whose month starts with 0 or 1,
out). The twelve-digit form prefixes "16".
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SHAPE = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")


def luhn_check_digit(digits: str) -> int:
    total = 0
    for index, char in enumerate(digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product - 9 if product > 9 else product
    return (10 - total % 10) % 10


def normalise_orgnr(value: str) -> str:
    """Return the orgnr as NNNNNN-NNNN, or raise ValidationError saying what is wrong."""
    match = _SHAPE.match(value.strip().replace(" ", ""))
    if not match:
        raise ValidationError(
            _("An organisation number has ten digits, written as NNNNNN-NNNN."),
            code="orgnr_format",
        )
    # \d is any decimal digit: full-width digits pasted from a document are the same number.
    digits = "".join(str(int(digit)) for digit in match.group(1) + match.group(2))
    if int(digits[2]) < 2:
        raise ValidationError(
            _("This is not an organisation number: the third digit must be 2 or higher."),
            code="orgnr_not_legal_person",
        )
    if luhn_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError(
            _("The check digit does not match: check the organisation number for typos."),
            code="orgnr_check_digit",
        )
    return f"{digits[:6]}-{digits[6:]}"
