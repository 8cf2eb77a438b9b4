"""The dafu web app: Chinese search and letter pages and a JSON API over the search layer."""
from .app import create_app

__all__ = ["create_app"]
