"""Errors a user can cause.

Every exception a user can trigger (bad file, bad option, missing workspace) is a
:class:`RoshanError`. The CLI and the web app catch it at the door and show its
message as one line; anything else is a programming error and is left to crash
loudly in tests. Messages must never contain witness or source identities.
"""

from __future__ import annotations


class RoshanError(Exception):
    """A problem the user can fix; ``str(err)`` is the one-line message shown."""

    exit_code: int = 2


class WorkspaceError(RoshanError):
    """The path is not a roshan workspace, or the workspace is unusable."""


class InputFileError(RoshanError):
    """An input file cannot be read: missing, undecodable, malformed.

    The message names the file and, where it applies, the row and the field.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        where = []
        if file is not None:
            where.append(str(file))
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.file = file
        self.row = row
        self.field = field


class MappingError(RoshanError):
    """A mapping file is malformed or names columns/fields that don't exist."""


class EstimationError(RoshanError):
    """Counts cannot support the requested estimate (e.g. a non-identifiable model)."""


class LinkageRiskError(EstimationError):
    """The latest linkage failed its health check (:mod:`roshan.link.health`): an estimate
    is refused unless the caller accepts the risk (``--accept-linkage-risk``)."""


class LinkageError(RoshanError):
    """Linkage cannot run on the workspace's records as they are."""


class IntakeError(RoshanError):
    """A field-intake bundle, key or report is invalid, tampered or unreadable."""
