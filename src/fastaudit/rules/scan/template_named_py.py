"""SCN003 template-named-py: File named .py is a template, not Python."""

from __future__ import annotations

from fastaudit.model import Severity
from fastaudit.rules.base import Rule


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
