import os

PREFIX = os.getenv("ID_PREFIX", "")
