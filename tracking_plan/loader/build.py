"""Turn a merged `Fragment` into the frozen `Plan`: resolve refs, infer types, apply defaults."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from ..diagnostics import Diagnostic, Location, Severity
from ..model import (
    CallType,
    Conventions,
    Definition,
    Plan,
    Policy,
    Property,
    Status,
)
from ..reserved import SDK_PAGE_PROPERTIES
from .assemble import merge_spec, merge_specs
from .codes import load_error
from .fragment import COUNT_KEYS, NUMBER_KEYS, Fragment, Spec
from .reader import did_you_mean

_MAX_REF_DEPTH = 16
MAX_PROPERTY_DEPTH = 32
"""Levels of nested properties and items, refs expanded; deeper plans break code generators
and the validator's 64-level limit on records."""


class PlanBuilder:
    def __init__(self, fragment: Fragment) -> None:
        self.fragment = fragment
        self.diagnostics: list[Diagnostic] = []

    def build(self, files: tuple[str, ...]) -> Plan | None:
        fragment = self.fragment
        settings = fragment.settings
        name = settings.get("plan") or PurePath(fragment.file).stem
        if _is_empty(fragment):
            self._error(
                fragment.location,
                "the plan file is empty: start with `plan: <name>` and `events:` "
                "(or run `tp init`)",
            )
        default_policy: Policy = settings.get("unplanned_properties", Policy.WARN)
        shared = tuple(
            self._property(n, s, inherited=default_policy, refs=(n,))
            for n, s in fragment.shared.items()
        )
        plan_context = fragment.context
        owner = settings.get("owner")

        def definitions(specs: dict[str, Spec], call: CallType) -> tuple[Definition, ...]:
            return tuple(
                self._definition(n, s, call, plan_context, owner, default_policy)
                for n, s in specs.items()
            )

        def single(spec: Spec | None, call: CallType) -> Definition | None:
            if spec is None:
                return None
            return self._definition(call.value, spec, call, plan_context, owner, default_policy)

        plan = Plan(
            name=name or "",
            version=settings.get("version"),
            description=settings.get("description"),
            owner=owner,
            conventions=Conventions(
                events=settings.get("conventions.events", "object-action"),
                properties=settings.get("conventions.properties", "snake_case"),
            ),
            unplanned_events=settings.get("unplanned_events", Policy.FORBID),
            unplanned_properties=default_policy,
            context=self._properties(plan_context, inherited=Policy.ALLOW),
            shared_properties=shared,
            events=definitions(fragment.events, CallType.TRACK),
            identify=single(fragment.identify, CallType.IDENTIFY),
            group=single(fragment.group, CallType.GROUP),
            pages=definitions(fragment.pages, CallType.PAGE),
            screens=definitions(fragment.screens, CallType.SCREEN),
            includes=tuple(fragment.includes),
            files=files,
            location=fragment.location,
        )
        return None if any(d.severity is Severity.ERROR for d in self.diagnostics) else plan

    # -- definitions ---------------------------------------------------------------------

    def _definition(
        self,
        name: str,
        spec: Spec,
        call: CallType,
        plan_context: dict[str, Spec],
        plan_owner: str | None,
        default_policy: Policy,
    ) -> Definition:
        policy: Policy = spec.get("unplanned_properties", default_policy)
        properties_spec: dict[str, Spec] = dict(spec.get("properties", {}))
        if "required_names" in spec:
            properties_spec = self._mark_required(properties_spec, spec["required_names"], name)
        if call is CallType.PAGE and policy is not Policy.ALLOW:
            added = _sdk_page_properties(spec["@loc"])
            properties_spec |= {n: s for n, s in added.items() if n not in properties_spec}
        context = merge_specs(plan_context, spec.get("context", {}))
        return Definition(
            call=call,
            name=name,
            description=spec.get("description"),
            owner=spec.get("owner", plan_owner),
            side=spec.get("side"),
            platforms=spec.get("platforms", ()),
            status=spec.get("status", Status.ACTIVE),
            tags=spec.get("tags", ()),
            version=spec.get("version"),
            properties=self._properties(properties_spec, inherited=policy),
            unplanned_properties=policy,
            context=self._properties(context, inherited=Policy.ALLOW),
            lint_ignore=tuple(code for code, _ in spec.get("lint_ignore", ())),
            lint_ignore_locations=tuple(loc for _, loc in spec.get("lint_ignore", ())),
            origin=spec.get("@origin", ""),
            location=spec["@loc"],
        )

    def _mark_required(
        self, specs: dict[str, Spec], names: tuple[tuple[str, Location], ...], owner: str
    ) -> dict[str, Spec]:
        result = dict(specs)
        for required, location in names:
            if required in result:
                result[required] = {**result[required], "required": True}
                continue
            guess = did_you_mean(required, result)
            hint = f"; did you mean {guess!r}?" if guess else ""
            message = f"{owner!r} requires {required!r}, which is not defined{hint}"
            self.diagnostics.append(load_error("TP005", message, location, suggestion=guess))
        return result

    # -- properties ----------------------------------------------------------------------

    def _properties(
        self,
        specs: dict[str, Spec],
        *,
        inherited: Policy,
        refs: tuple[str, ...] = (),
        depth: int = 1,
    ) -> tuple[Property, ...]:
        return tuple(
            self._property(n, s, inherited=inherited, refs=refs, depth=depth)
            for n, s in specs.items()
        )

    def _property(
        self,
        name: str,
        spec: Spec,
        *,
        inherited: Policy,
        refs: tuple[str, ...] = (),
        depth: int = 1,
    ) -> Property:
        """`refs`: the shared definitions being expanded around this property; `depth`: its
        nesting level."""
        ref = spec.get("ref")
        if ref is not None and ref in refs:
            self._error(
                spec["@ref_loc"] if "@ref_loc" in spec else spec["@loc"],
                f"ref {ref!r} is used inside its own definition, so the property would nest "
                "without end; give the nested property a type of its own",
                code="TP004",
            )
            return Property(name=name, ref=ref, location=spec["@loc"])
        if depth > MAX_PROPERTY_DEPTH:
            self._error(
                spec["@loc"],
                f"property {name!r} is nested {depth} levels deep (refs included); properties "
                f"may nest at most {MAX_PROPERTY_DEPTH} levels: flatten the structure",
            )
            return Property(name=name, location=spec["@loc"])
        refs = refs if ref is None else (*refs, ref)
        spec = self._resolve_ref(spec)
        location: Location = spec["@loc"]
        types = spec.get("type")
        if types is None:
            if "properties" in spec:
                types = ("object",)
            elif "items" in spec:
                types = ("array",)
            elif "@broken" in spec:
                types = ()
            else:
                self._error(
                    location,
                    f"property {name!r} has no type: add `type:` (e.g. string, number, "
                    "object) or `ref:` to a shared definition",
                )
                types = ()
        children_spec: dict[str, Spec] = dict(spec.get("properties", {}))
        if "required_children" in spec:
            children_spec = self._mark_required(children_spec, spec["required_children"], name)
        own_policy: Policy | None = spec.get("unplanned_properties")
        if own_policy is not None:
            policy = own_policy
        else:
            policy = inherited if children_spec else Policy.ALLOW
        items_policy = own_policy or inherited
        items = spec.get("items")
        numbers: dict[str, Any] = {k: spec[k] for k in (*NUMBER_KEYS, *COUNT_KEYS) if k in spec}
        return Property(
            name=name,
            types=types,
            formats=spec.get("formats", ()),
            description=spec.get("description"),
            examples=spec.get("examples", ()),
            required=spec.get("required", False),
            nullable=spec.get("nullable", False),
            enum=spec.get("enum"),
            pattern=spec.get("pattern"),
            items=None
            if items is None
            else self._property("items", items, inherited=items_policy, refs=refs, depth=depth + 1),
            unique_items=spec.get("unique_items", False),
            properties=self._properties(
                children_spec, inherited=policy, refs=refs, depth=depth + 1
            ),
            unplanned_properties=policy,
            ref=ref,
            location=location,
            **numbers,
        )

    def _resolve_ref(self, spec: Spec, depth: int = 0) -> Spec:
        """Merge the shared definition a `ref:` names under the referencing spec."""
        ref = spec.get("ref")
        if ref is None:
            return spec
        shared = self.fragment.shared
        location: Location = spec["@ref_loc"] if "@ref_loc" in spec else spec["@loc"]
        if depth >= _MAX_REF_DEPTH:
            self._error(location, f"ref {ref!r} is part of a reference cycle", code="TP004")
            return _without_ref(spec)
        if ref not in shared:
            guess = did_you_mean(ref, shared)
            hint = f"; did you mean {guess!r}?" if guess else ""
            self._error(
                location,
                f"ref {ref!r} does not name a shared property{hint}",
                code="TP004",
                suggestion=guess,
            )
            return {**_without_ref(spec), "@broken": True}
        base = self._resolve_ref(shared[ref], depth + 1)
        base = {k: v for k, v in base.items() if k != "required"}
        under = spec.get("@under")
        if under is not None:
            base = merge_spec(self._resolve_ref(under, depth + 1), base)
        return merge_spec(base, _without_ref(spec))

    def _error(
        self,
        location: Location,
        message: str,
        *,
        code: str = "TP002",
        suggestion: str | None = None,
    ) -> None:
        diagnostic = load_error(code, message, location, suggestion=suggestion)
        if diagnostic not in self.diagnostics:  # a shared definition is built at every use
            self.diagnostics.append(diagnostic)


def _is_empty(fragment: Fragment) -> bool:
    return not (
        fragment.settings
        or fragment.includes
        or fragment.context
        or fragment.shared
        or fragment.events
        or fragment.identify
        or fragment.group
        or fragment.pages
        or fragment.screens
    )


def _without_ref(spec: Spec) -> Spec:
    return {k: v for k, v in spec.items() if k not in ("ref", "@ref_loc", "@under")}


def _sdk_page_properties(location: Location) -> dict[str, Spec]:
    """The properties Segment's SDKs add to every page call, planned where a page does not
    allow unplanned properties (a plan that lists one decides its shape)."""
    specs: dict[str, Spec] = {}
    for name, field in SDK_PAGE_PROPERTIES.items():
        spec: Spec = {"type": field.types, "description": _SDK_PAGE_NOTE, "@loc": location}
        if field.types == ("array",):
            spec["items"] = {"type": ("string",), "@loc": location}
        specs[name] = spec
    return specs


_SDK_PAGE_NOTE = "Set by Segment's SDKs on page calls (Segment's page spec reserves it)."
