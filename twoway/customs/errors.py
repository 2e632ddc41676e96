"""Errors of the customs context."""

from __future__ import annotations

from twoway.core.errors import DomainError, FieldProblem


class CustomsMessageInvalid(DomainError):
    """A CEB message that does not satisfy its schema; ``errors`` lists every problem found."""

    def __init__(self, message_type: str, errors: list[str]) -> None:
        self.message_type = message_type
        self.errors = list(errors)
        summary = f"{message_type} message is invalid: " + "; ".join(self.errors)
        problems = [FieldProblem(message_type, "schema", error) for error in self.errors]
        super().__init__(summary, problems, 400)
