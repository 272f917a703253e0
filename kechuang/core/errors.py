"""Domain errors raised by services; views, the API and commands turn them into
messages. Every message is Chinese and names the field (and row, for imports)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    field: str  # model/API key
    label: str  # Chinese column or field name
    message: str
    row: int | None = None  # spreadsheet row number (header = 1)

    def __str__(self) -> str:
        # no label: the message names its row and field itself (the rules engine's lines)
        where = f"{self.label}: " if self.label else ""
        if self.row is not None:
            return f"第{self.row}行 {where}{self.message}"
        return f"{where}{self.message}"

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "label": self.label, "message": self.message}


class DomainError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def details(self) -> list[FieldError]:
        """The fields concerned (an API error's `details`), if any."""
        return []


class ValidationFailed(DomainError):
    code = "invalid"
    status = 422

    def __init__(self, errors: list[FieldError], message: str | None = None) -> None:
        self.errors = errors
        head = message or f"共{len(errors)}处错误，未写入任何数据"
        super().__init__(head)

    def lines(self) -> list[str]:
        return [str(e) for e in self.errors]


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    """The action does not fit the record's current state (already imported, moved on)."""

    code = "conflict"
    status = 409
