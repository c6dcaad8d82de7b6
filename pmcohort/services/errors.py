class FieldError(Exception):
    """A rule was broken; `field` names the form field the message belongs to (None: the whole form)."""

    def __init__(self, field: str | None, message: str):
        super().__init__(message)
        self.field = field
        self.message = message
