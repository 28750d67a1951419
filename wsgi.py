"""The WSGI entry point: `gunicorn wsgi:app` and `flask --app wsgi` both use it."""

from app import create_app

app = create_app()
