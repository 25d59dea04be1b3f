import os

from fastapi import FastAPI

os.environ.setdefault("ENVIRONMENT", "test")
DATABASE_URL = os.getenv("TEST_DATABASE_URL")
bare = FastAPI()
