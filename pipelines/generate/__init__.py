"""Synthetic landing zone for Mutu: realistic, deterministic exports in the formats of docs/landing-zone.md."""

from .landing_zone import generate_landing

__all__ = ["generate_landing"]
