"""The call-center agents' lookup console: a FastAPI JSON API and the RTL page that uses it."""
