"""Plumbing shared by the frontend and the backend services."""
