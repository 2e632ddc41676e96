"""The domain's own errors, mapped to one response shape by the API and the pages.

Every error names the field it is about and the rule that was broken, so a seller's system or a
person can fix the input (HackSoft's ApplicationError idea; Saleor's error-code enums).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldProblem:
    field: str
    rule: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


@dataclass
class DomainError(Exception):
    """A request the domain refuses. ``problems`` lists every field at fault."""

    message: str
    problems: list[FieldProblem] = field(default_factory=list)
    status: int = 400

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @classmethod
    def one(cls, field_name: str, rule: str, message: str, status: int = 400) -> DomainError:
        return cls(message, [FieldProblem(field_name, rule, message)], status)

    def as_dict(self) -> dict[str, object]:
        return {"message": self.message, "errors": [p.as_dict() for p in self.problems]}


class NotFound(DomainError):
    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found", [], 404)


class PermissionDenied(DomainError):
    def __init__(self, message: str = "You do not have permission to do that.") -> None:
        super().__init__(message, [], 403)


def from_validation_error(exc) -> DomainError:  # django.core.exceptions.ValidationError
    """Turn Django's ValidationError (from full_clean) into a DomainError naming field and rule."""
    problems: list[FieldProblem] = []
    if hasattr(exc, "error_dict"):
        for field_name, errors in exc.error_dict.items():
            for error in errors:
                for message in error.messages:
                    problems.append(FieldProblem(field_name, error.code or "invalid", message))
    else:
        for error in exc.error_list:
            for message in error.messages:
                problems.append(FieldProblem("__all__", error.code or "invalid", message))
    summary = "; ".join(f"{p.field}: {p.message}" for p in problems) or "Invalid input."
    return DomainError(summary, problems)
