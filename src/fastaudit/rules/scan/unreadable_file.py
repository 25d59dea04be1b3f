"""SCN002 unreadable-file: File could not be read as Python source."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.rules.base import Rule


class UnreadableFile(Rule):
    id = "SCN002"
    name = "unreadable-file"
    title = "File could not be read as Python source"
    severity = Severity.WARNING
    rationale = """
    The file is binary, not valid in its declared encoding, too large, or not readable
    by you, so it was skipped. Python requires UTF-8 source unless a coding declaration
    says otherwise; a `.py` file that is really data should not live among the code.
    """
    dont = """
    # -*- coding: ascii -*-
    GREETING = "héllo"
    """
    do = """
    GREETING = "héllo"
    """
