"""Files that could not be audited. The engine reports these itself; the classes give
them an id, a title and documentation like every other rule."""

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


class TemplateFile(Rule):
    id = "SCN003"
    name = "template-named-py"
    title = "File named .py is a template, not Python"
    severity = Severity.INFO
    rationale = """
    Project generators (cookiecutter, copier) and code generators keep Jinja templates
    with a `.py` name: `{{ project_name }}` is not Python, so the file cannot be audited,
    but nothing is wrong with it either. Such files are listed once per folder so they
    do not hide real syntax errors; rename them `.py.jinja` (or exclude the folder) and
    they drop out of the audit.
    """
    dont = """
    # rendered by the project generator
    DATABASE_URL = "{{ database_url }}"
    {% if use_sentry %}
    SENTRY_DSN = "{{ sentry_dsn }}"
    {% endif %}
    """
    do = """
    import os

    DATABASE_URL = os.environ["DATABASE_URL"]
    DEBUG = os.environ.get("DEBUG") == "1"
    """
