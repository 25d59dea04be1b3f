"""SCN001 unparsable-file: File is not valid Python."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.rules.base import Rule


class UnparsableFile(Rule):
    id = "SCN001"
    name = "unparsable-file"
    title = "File is not valid Python"
    severity = Severity.ERROR
    rationale = """
    A file Python cannot parse cannot be audited either, and it will fail the moment it
    is imported. The finding points at the first place the parser gave up; nothing else
    in the file has been checked.
    """
    dont = """
    def create_order(payload:
        return payload
    """
    do = """
    def create_order(payload):
        return payload
    """
