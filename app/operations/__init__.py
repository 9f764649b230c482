"""Use cases: load, ask the domain, write state and events in one transaction.

This is the only layer that commits.
"""


class OperationError(Exception):
    """A refusal meant for the user: a stable `code` and a Chinese `message`."""

    def __init__(self, code: str, message: str, *, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status


class NotFound(OperationError):
    def __init__(self, message: str = "未找到该记录。"):
        super().__init__("not_found", message, status=404)
