"""The interactive auditor (Textual). Imported only when the TUI is asked for.

The auditing session itself (scan, fixes, undo, suppression comments) is headless and
lives in ``fastaudit.fixes``. The view models kept here (``grouping``, ``deps``,
``structure``, ``editor``) never import Textual either; widgets and screens render what
they compute.
"""

import os

# Textual paints at most once per frame, and a change waits for the next one: at its
# default 60 frames a second a cursor move waits up to 17 ms before it shows. 120 halves
# that; frames are only drawn when something changed, so an idle app costs nothing more.
# Read when Textual is first imported; a value the user set wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
