import os

from fastapi import FastAPI

os.environ["DATABASE_URL"] = "sqlite://"
test_app = FastAPI()
