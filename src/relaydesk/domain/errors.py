"""Domain errors: each has a stable code; the API maps them to HTTP once."""


class DomainError(Exception):
    """Base class for errors a client can cause or observe."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "not_found"


class InvalidInput(DomainError):
    code = "invalid_input"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class Conflict(DomainError):
    code = "conflict"


class Unauthorized(DomainError):
    code = "unauthorized"


class ConversationErased(Unauthorized):
    """The conversation was erased on request: its token opens nothing any more."""

    def __init__(
        self, message: str = "This conversation was erased on request; start a new one."
    ) -> None:
        super().__init__(message)


class Forbidden(DomainError):
    code = "forbidden"


class RateLimited(DomainError):
    code = "rate_limited"
