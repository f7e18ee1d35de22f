class DomainError(Exception):
    """A rule of the institution refused an action; the message is written for the user who tried it."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)
