"""How bad a change is, for each side of the events."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Impact(enum.IntEnum):
    """SAFE: nothing that worked stops working. RISKY: something may, depending on what the
    other side does (an exhaustive `switch` over an enum, events with a key the plan left
    open). BREAKING: something that worked stops working."""

    SAFE = 0
    RISKY = 1
    BREAKING = 2


@dataclass(frozen=True, slots=True)
class Impacts:
    """`producers`: can an event valid under the old plan be rejected under the new one?
    `consumers`: can an event valid under the new plan surprise a reader of the old one?"""

    producers: Impact
    consumers: Impact

    @property
    def worst(self) -> Impact:
        return max(self.producers, self.consumers)


SAFE = Impacts(Impact.SAFE, Impact.SAFE)
NARROWS = Impacts(Impact.BREAKING, Impact.SAFE)  # fewer events are valid
WIDENS = Impacts(Impact.SAFE, Impact.BREAKING)  # more events are valid, of a new shape
LOOSENS = Impacts(Impact.SAFE, Impact.RISKY)  # more events are valid, of a known shape
CHANGES = Impacts(Impact.BREAKING, Impact.BREAKING)  # neither contains the other
