"""The one error type of the federate stage (a user-fixable refusal, one line)."""

from __future__ import annotations

from roshan.errors import RoshanError


class FederateError(RoshanError):
    """A federate round or input is refused; ``str(err)`` is the one-line reason.

    Messages never contain names, tokens or blinded values.
    """
