"""TP6xx: what a plan change breaks (`tp diff`). One code per kind of change; the severity a
change is reported with follows from its impacts and `--policy` (`diff.report`), the default
severity here is its impact on both sides in the common case."""

from __future__ import annotations

from ..diagnostics import Severity
from .entry import CodeEntry, Phase, doc

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

_PRODUCERS = "Producers: events that older app versions still send"
_CONSUMERS = "Consumers: dashboards, warehouse columns and generated clients"

# code, slug, severity, summary, what it reports (after the summary), why it matters, an
# example line of `tp diff`, what to do instead
_TABLE: tuple[tuple[str, str, Severity, str, str, str, str, str], ...] = (
    (
        "TP600",
        "definition-added",
        INFO,
        "A definition is new in the plan",
        "Reports an event, trait set, page or screen the new plan defines and the old one "
        "does not.",
        "Nothing that worked breaks: old events never named it. It is reported so that a "
        "review sees what the change adds, and it makes the plan's version a minor bump.",
        "TP600 'Cart Viewed': added",
        "Nothing to fix; document the new definition and where it is fired.",
    ),
    (
        "TP601",
        "definition-removed",
        ERROR,
        "A definition that was never deprecated is removed",
        "Reports a definition the old plan has and the new one does not, when the old plan had "
        "not marked it `status: deprecated`.",
        f"{_PRODUCERS} keep sending it: under `unplanned_events: forbid` every one of them is "
        "now invalid. Dashboards built on it go blank without warning.",
        "TP601 'Order Completed': removed without being deprecated first",
        "Deprecate it first (`status: deprecated`), tell the teams that send it, and remove it "
        "once no app version in use sends it.",
    ),
    (
        "TP602",
        "deprecated-definition-removed",
        WARNING,
        "A deprecated definition is removed",
        "Reports a definition removed after the old plan had deprecated it.",
        "The expected end of a deprecation; old app versions that still send it are now "
        "unplanned (rejected under `unplanned_events: forbid`).",
        "TP602 'Product Viewed': removed after its deprecation",
        "Check the data for recent events of that name before merging.",
    ),
    (
        "TP603",
        "definition-renamed",
        ERROR,
        "A definition is renamed",
        "Reports a removed and an added definition of the same call whose names are close (a "
        "case, separator, word order or typo away) and whose properties mostly agree, as one "
        "rename with both names.",
        f"{_PRODUCERS} send the old name, which is now unplanned; reports on the old name stop "
        "while the new one starts from zero.",
        "TP603 'Order Complete': renamed from 'Order Completed'",
        "Keep the old definition (deprecated) beside the new one until the old name stops "
        "arriving, and map the old name in downstream tools.",
    ),
    (
        "TP604",
        "definition-deprecated",
        INFO,
        "A definition is deprecated",
        "Reports a definition the new plan marks `status: deprecated`.",
        "Nothing breaks yet; it announces a removal.",
        "TP604 'Product Viewed': deprecated",
        "Tell the teams that send it, and remove it later (TP602).",
    ),
    (
        "TP605",
        "definition-undeprecated",
        INFO,
        "A deprecated definition is active again",
        "Reports a definition the old plan deprecated and the new one does not.",
        "Nothing breaks; teams that stopped sending it may need to know.",
        "TP605 'Product Viewed': undeprecated",
        "Nothing to fix.",
    ),
    (
        "TP606",
        "documentation-changed",
        INFO,
        "Only the description, examples or owner changed",
        "Reports a definition or property whose description, examples or owner changed and "
        "nothing that decides validity.",
        "Nothing breaks; the plan's version needs only a patch bump.",
        "TP606 'Order Completed' total: description or examples",
        "Nothing to fix.",
    ),
    (
        "TP610",
        "property-added-optional",
        INFO,
        "An optional property is added",
        "Reports a property the new plan adds without `required: true`. It is risky for "
        "producers when the object it belongs to accepted unplanned properties: old events may "
        "have sent a key of that name with another shape.",
        "Usually additive; a value some old app sent under the same key may not match the "
        "new definition.",
        "TP610 'Order Completed' coupon: added, optional",
        "Check old data for the key before giving it a narrow type.",
    ),
    (
        "TP611",
        "property-added-required",
        ERROR,
        "A required property is added",
        "Reports a property the new plan adds with `required: true`.",
        f"{_PRODUCERS} do not send it: every one of their events is now invalid.",
        "TP611 'Order Completed' revenue: added, required",
        "Add it as optional first, make it required once every app version in use sends it.",
    ),
    (
        "TP612",
        "property-removed",
        ERROR,
        "A property is removed",
        "Reports a property the old plan has and the new one does not. For producers it is "
        "breaking where its object forbids unplanned properties, risky where it warns.",
        f"{_CONSUMERS} lose the column or field; {_PRODUCERS.lower()} that still send it "
        "meet the policy for unplanned properties.",
        "TP612 'Order Completed' coupon: removed",
        "Keep it (optional, described as no longer sent) until nothing reads or sends it.",
    ),
    (
        "TP613",
        "property-renamed",
        ERROR,
        "A property is renamed",
        "Reports a removed and an added property of the same object whose names are close and "
        "whose types agree, as one rename with both names.",
        "Old events send the old key; readers of the old column see it stop.",
        "TP613 'Order Completed' order_total: renamed from 'total'",
        "Keep the old property beside the new one until the old key stops arriving.",
    ),
    (
        "TP614",
        "property-made-required",
        ERROR,
        "An optional property is now required",
        "Reports a property that the new plan requires and the old one did not.",
        f"{_PRODUCERS} that leave it out are now invalid.",
        "TP614 'Order Completed' coupon: now required",
        "Require it once every app version in use sends it (check with `tp validate`).",
    ),
    (
        "TP615",
        "property-made-optional",
        WARNING,
        "A required property is now optional",
        "Reports a property that the old plan required and the new one does not.",
        f"{_CONSUMERS} that assumed it is always there meet events without it.",
        "TP615 'Order Completed' order_id: now optional",
        "Tell the readers, or keep it required.",
    ),
    (
        "TP620",
        "type-narrowed",
        ERROR,
        "A property accepts fewer types",
        "Reports a property whose types admit fewer values than before (`number` to "
        "`integer`, `[string, number]` to `string`).",
        f"{_PRODUCERS} that send the dropped type are now invalid.",
        "TP620 'Order Completed' total: integer (was number)",
        "Narrow a type only after the data shows nobody sends the other one.",
    ),
    (
        "TP621",
        "type-widened",
        ERROR,
        "A property accepts more types",
        "Reports a property whose types admit more values than before.",
        f"{_CONSUMERS} typed for the old type (a warehouse column, a generated client) meet "
        "values they cannot hold.",
        "TP621 'Order Completed' coupon: string or number (was string)",
        "Add a new property for the other type instead.",
    ),
    (
        "TP622",
        "type-changed",
        ERROR,
        "A property's type changed",
        "Reports a property whose types neither contain nor are contained in the old ones.",
        "Both sides break: old events send the old type, readers expect it.",
        "TP622 'Order Completed' coupon: boolean (was string)",
        "Add a new property with the new type and deprecate the old one.",
    ),
    (
        "TP623",
        "nullable-added",
        WARNING,
        "A property may now be null",
        "Reports a property that the new plan allows to be `null`.",
        f"{_CONSUMERS} that never saw null (a NOT NULL column, a non-optional field) may fail.",
        "TP623 'Order Completed' coupon: null allowed",
        "Tell the readers, or send the property without a value instead of null.",
    ),
    (
        "TP624",
        "nullable-removed",
        ERROR,
        "A property may no longer be null",
        "Reports a property that the old plan allowed to be `null` and the new one does not.",
        f"{_PRODUCERS} that send null (Segment's SDKs do for a missing id) are now invalid.",
        "TP624 'Order Completed' coupon: null refused",
        "Keep null allowed while old app versions send it.",
    ),
    (
        "TP625",
        "enum-added",
        ERROR,
        "A property is now limited to a list of values",
        "Reports a property that gets an `enum` it did not have.",
        f"{_PRODUCERS} that send other values are now invalid.",
        "TP625 'Order Completed' currency: EUR or USD (was none)",
        "Check the values in the data first (`tp validate` with the new plan).",
    ),
    (
        "TP626",
        "enum-removed",
        WARNING,
        "A property is no longer limited to a list of values",
        "Reports a property whose `enum` is dropped.",
        f"{_CONSUMERS} that handle each known value (an exhaustive switch in a generated "
        "client) meet values they do not know.",
        "TP626 'Order Completed' currency: none (was EUR or USD)",
        "Keep the list, adding the new values.",
    ),
    (
        "TP627",
        "enum-value-added",
        WARNING,
        "A value is added to an enum",
        "Reports the values an `enum` gains.",
        f"{_CONSUMERS} with an exhaustive switch over the values meet one they do not handle.",
        "TP627 'Order Completed' currency: enum values added: 'GBP'",
        "Tell the readers; generated clients need regenerating.",
    ),
    (
        "TP628",
        "enum-value-removed",
        ERROR,
        "A value is removed from an enum",
        "Reports the values an `enum` loses.",
        f"{_PRODUCERS} that send the removed value are now invalid.",
        "TP628 'Order Completed' currency: enum values removed: 'USD'",
        "Deprecate the value (say so in the description) before removing it.",
    ),
    (
        "TP630",
        "pattern-tightened",
        ERROR,
        "A property gets a pattern",
        "Reports a string property that gets a `pattern` it did not have.",
        f"{_PRODUCERS} whose values do not match are now invalid.",
        "TP630 'Order Completed' coupon: pattern '^[A-Z]+$'",
        "Check the values in the data first.",
    ),
    (
        "TP631",
        "pattern-loosened",
        WARNING,
        "A property's pattern is dropped",
        "Reports a string property whose `pattern` is dropped.",
        f"{_CONSUMERS} that parse the value by the pattern may fail.",
        "TP631 'Order Completed' order_id: no pattern (was '^o-[0-9]+$')",
        "Tell the readers.",
    ),
    (
        "TP632",
        "pattern-changed",
        ERROR,
        "A property's pattern changed",
        "Reports a string property whose `pattern` changed (tp does not decide whether one "
        "pattern contains another).",
        "Either side may break: old values may not match the new pattern, new ones not the old.",
        "TP632 'Order Completed' order_id: pattern '^o-[0-9]{4}$' (was '^o-[0-9]+$')",
        "Read the witness: it shows a value that worked before and fails now.",
    ),
    (
        "TP633",
        "format-tightened",
        ERROR,
        "A property's formats are narrower",
        "Reports a string property that gets a `format`, or fewer of them.",
        f"{_PRODUCERS} whose values are not of the format are now invalid.",
        "TP633 'Order Completed' coupon: email (was none)",
        "Check the values in the data first.",
    ),
    (
        "TP634",
        "format-loosened",
        WARNING,
        "A property's formats are wider",
        "Reports a string property whose `format` is dropped or gains alternatives.",
        f"{_CONSUMERS} that parse the value by its format may fail.",
        "TP634 'Order Completed' created: none (was date-time)",
        "Tell the readers.",
    ),
    (
        "TP635",
        "format-changed",
        ERROR,
        "A property's format changed",
        "Reports a string property whose formats are neither more nor fewer than before.",
        "Both sides may break.",
        "TP635 'Order Completed' contact: uri (was email)",
        "Add a new property with the new format.",
    ),
    (
        "TP636",
        "length-tightened",
        ERROR,
        "Lengths or item counts are stricter",
        "Reports a string's `min_length`/`max_length` or an array's `min_items`/`max_items`/"
        "`unique_items` that admit fewer values than before.",
        f"{_PRODUCERS} with values outside the new bounds are now invalid.",
        "TP636 'Order Completed' products/items/sku: length tightened",
        "Check the data's lengths first.",
    ),
    (
        "TP637",
        "length-loosened",
        WARNING,
        "Lengths or item counts are looser",
        "Reports length or item-count bounds that admit more values than before.",
        f"{_CONSUMERS} with fixed-size columns or buffers may not hold the longer values.",
        "TP637 'Order Completed' products/items/sku: length loosened",
        "Tell the readers.",
    ),
    (
        "TP638",
        "length-changed",
        ERROR,
        "Length bounds moved both ways",
        "Reports length or item-count bounds that are stricter on one side and looser on the "
        "other.",
        "Both sides may break.",
        "TP638 'Order Completed' products/items/sku: length changed",
        "Change one bound at a time.",
    ),
    (
        "TP639",
        "range-tightened",
        ERROR,
        "A number's range is stricter",
        "Reports `minimum`, `maximum`, their exclusive forms or `multiple_of` admitting fewer "
        "numbers than before.",
        f"{_PRODUCERS} with values outside the new range are now invalid.",
        "TP639 'Order Completed' total: range tightened",
        "Check the data's values first.",
    ),
    (
        "TP640",
        "range-loosened",
        WARNING,
        "A number's range is looser",
        "Reports range bounds that admit more numbers than before.",
        f"{_CONSUMERS} that assume the old range (no negative revenue) may be wrong.",
        "TP640 'Order Completed' total: range loosened",
        "Tell the readers.",
    ),
    (
        "TP641",
        "range-changed",
        ERROR,
        "A number's range moved both ways",
        "Reports range bounds that are stricter on one side and looser on the other.",
        "Both sides may break.",
        "TP641 'Order Completed' total: range changed",
        "Change one bound at a time.",
    ),
    (
        "TP650",
        "unplanned-properties-closed",
        ERROR,
        "An object now forbids unplanned properties",
        "Reports a definition or object property whose `unplanned_properties` becomes `forbid`.",
        f"{_PRODUCERS} that send any key the plan does not list are now invalid.",
        "TP650 'Order Completed': unplanned properties: warn -> forbid",
        "Plan the keys the data has first (`tp validate` reports them as EV101).",
    ),
    (
        "TP651",
        "unplanned-properties-opened",
        WARNING,
        "An object now accepts unplanned properties",
        "Reports a definition or object property whose `unplanned_properties` was `forbid` "
        "and no longer is.",
        f"{_CONSUMERS} that map every key to a column meet keys nobody planned.",
        "TP651 'Order Completed': unplanned properties: forbid -> warn",
        "Plan the keys instead of opening the object.",
    ),
    (
        "TP652",
        "unplanned-events-closed",
        ERROR,
        "The plan now forbids unplanned events",
        "Reports `unplanned_events` becoming `forbid`.",
        f"{_PRODUCERS} that send any event the plan does not list are now invalid.",
        "TP652: unplanned events: warn -> forbid",
        "Plan the events the data has first (`tp validate` reports them as EV100).",
    ),
    (
        "TP653",
        "unplanned-events-opened",
        WARNING,
        "The plan now accepts unplanned events",
        "Reports `unplanned_events` that was `forbid` and no longer is.",
        f"{_CONSUMERS} meet events nobody planned.",
        "TP653: unplanned events: forbid -> allow",
        "Plan the events instead.",
    ),
    (
        "TP690",
        "version-not-bumped",
        ERROR,
        "The plan's version is not bumped as its changes need",
        "Reports a new plan whose `version:` is lower than the change needs by semantic "
        "versioning: a breaking change (by `--policy`) a major bump, an addition a minor one, "
        "documentation a patch. Plans without a version, or with one that is not "
        "MAJOR.MINOR.PATCH, are not checked.",
        "The version is how producers and consumers learn that a plan changed in a way that "
        "concerns them.",
        "TP690 version 1.4.0 needs at least 2.0.0 (breaking changes), was 1.3.2",
        "Bump `version:` as the message says.",
    ),
    (
        "TP691",
        "diff-ignore-expired",
        WARNING,
        "An accepted change in the ignore file has expired",
        "Reports an entry of `tp diff --ignore-file` whose `expires:` date has passed. The "
        "change it accepted is reported again.",
        "An accepted breaking change is a decision with a date; past it, it needs deciding again.",
        "TP691 .tp-diff-ignore.yaml:3: accepted TP611 'Order Completed' revenue expired on "
        "2026-11-30",
        "Decide again: extend `expires:` with a reason, or fix the change.",
    ),
)


def _entry(row: tuple[str, str, Severity, str, str, str, str, str]) -> CodeEntry:
    code, slug, severity, summary, what, why, example, fix = row
    text = (
        f"{summary}.\n\n## What it does\n{what}\n\n## Why is this bad?\n{why}\n\n"
        f"## Example\n```text\n{example}\n```\n\n## Use instead\n{fix}"
    )
    return CodeEntry(
        code=code,
        slug=slug,
        summary=summary,
        default_severity=severity,
        phase=Phase.DIFF,
        documentation=doc(text),
    )


DIFF_CODES = tuple(_entry(row) for row in _TABLE)
KIND_CODES = {entry.slug: entry.code for entry in DIFF_CODES}
"""A change's kind (its slug) -> its code."""
