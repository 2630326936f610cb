"""A problem found in an imported file, named by row and column so it can be found and fixed."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Problem:
    """row: the row in the file (the header is row 1, the first data row row 2), or None for the
    file as a whole; column: the column's name (or letter, for a cell outside every column)."""

    row: int | None
    column: str | None
    message: str
    code: str

    def __str__(self) -> str:
        if self.row is not None and self.column:
            return _("row %(row)s, column %(column)s: %(message)s") % self._params()
        if self.row is not None:
            return _("row %(row)s: %(message)s") % self._params()
        if self.column:
            return _("column %(column)s: %(message)s") % self._params()
        return self.message

    def _params(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}
