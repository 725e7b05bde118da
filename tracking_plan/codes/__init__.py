"""Every diagnostic code tp reports, and what it means."""

from __future__ import annotations

from .entry import Phase

__all__ = ["Phase"]
