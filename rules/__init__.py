"""Every rule of `tp lint`, one per module, in an explicit registry (no import magic).

This folder is installed as the package `tracking_plan.rules`; presets live in `presets/`.
Codes are stable and never reused (see `tp rules`).
"""

from __future__ import annotations

from .tp001_yaml_syntax import YamlSyntax
from .tp002_invalid_plan_shape import InvalidPlanShape
from .tp003_duplicate_key import DuplicateKey
from .tp004_unresolved_reference import UnresolvedReference
from .tp005_required_undefined import RequiredUndefined
from .tp006_impossible_range import ImpossibleRange
from .tp007_keyword_type_conflict import KeywordTypeConflict
from .tp008_unknown_format import UnknownFormat
from .tp009_bad_enum import BadEnum
from .tp010_include_cycle import IncludeCycle
from .tp011_import_unsupported import ImportUnsupported
from .tp012_unused_suppression import UnusedSuppression
from .tp013_invalid_config import InvalidConfig
from .tp101_event_name_convention import EventNameConvention
from .tp102_property_name_convention import PropertyNameConvention
from .tp103_value_in_name import ValueInName
from .tp104_reserved_name import ReservedName
from .tp105_verb_tense import VerbTense
from .tp106_hidden_character import HiddenCharacter
from .tp201_duplicate_event import DuplicateEvent
from .tp202_near_duplicate_event import NearDuplicateEvent
from .tp203_near_duplicate_property import NearDuplicateProperty
from .tp204_property_type_conflict import PropertyTypeConflict
from .tp301_missing_event_description import MissingEventDescription
from .tp302_missing_property_description import MissingPropertyDescription
from .tp303_missing_owner import MissingOwner
from .tp401_unbounded_string import UnboundedString
from .tp501_spec_event_mismatch import SpecEventMismatch
from .tp502_spec_property_missing import SpecPropertyMissing

RULES = (
    YamlSyntax,
    InvalidPlanShape,
    DuplicateKey,
    UnresolvedReference,
    RequiredUndefined,
    ImpossibleRange,
    KeywordTypeConflict,
    UnknownFormat,
    BadEnum,
    IncludeCycle,
    ImportUnsupported,
    UnusedSuppression,
    InvalidConfig,
    EventNameConvention,
    PropertyNameConvention,
    ValueInName,
    ReservedName,
    VerbTense,
    HiddenCharacter,
    DuplicateEvent,
    NearDuplicateEvent,
    NearDuplicateProperty,
    PropertyTypeConflict,
    MissingEventDescription,
    MissingPropertyDescription,
    MissingOwner,
    UnboundedString,
    SpecEventMismatch,
    SpecPropertyMissing,
)
