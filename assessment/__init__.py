"""Wenping (稳评): social-stability risk assessment."""
