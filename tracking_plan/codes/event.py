"""EV1xx: a message checked against its definition in the plan (`tp validate`, `tp serve`)."""

from __future__ import annotations

from ..diagnostics import Severity
from .entry import CodeEntry, Phase, doc

EVENT_CODES = (
    CodeEntry(
        code="EV100",
        slug="unplanned-event",
        summary="A track call names an event the plan does not define",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A track call names an event the plan does not define.

            ## What it does
            Reports a track call whose `event` is not a planned event, with the planned name
            it most likely meant (the same words in another case, order or separator, or a
            typo away) as the suggestion. It is an error under the plan's
            `unplanned_events: forbid` (the default), a warning under `warn`, and not
            reported under `allow`.

            ## Why is this bad?
            An event the plan does not know lands in every tool under a name of its own: a
            `completed_order` beside `Order Completed` splits counts and funnels in two, and
            nobody has said what its properties mean.

            ## Example
            ```json
            {"type": "track", "event": "completed_order", "userId": "u1", "messageId": "m1"}
            ```
            reports
            ```text
            EV100 event 'completed_order' is not in the plan; did you mean 'Order Completed'?
            ```

            ## Use instead
            Send the planned name, or add the event to the plan:
            ```json
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "m1"}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV102",
        slug="unplanned-property",
        summary="A message sends a property its definition does not plan",
        default_severity=Severity.WARNING,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A message sends a property its definition does not plan.

            ## What it does
            Reports each key of `properties` (or of a nested object) that the definition does
            not list. Its severity follows the policy that applies: `unplanned_properties` of
            the plan, of the definition or of the object property; `warn` (the plan's
            default) makes it a warning, `forbid` an error, `allow` silences it. Unplanned
            traits of identify and group calls are EV113.

            ## Why is this bad?
            A property nobody planned has no agreed type or meaning. It is often a planned
            property under another spelling (`orderId` for `order_id`), which then also goes
            missing (EV103); DR306 counts how often that happens.

            ## Example
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"orderId": "ord_1"}}
            ```
            reports
            ```text
            EV102 /properties/orderId is not in the plan
            ```

            ## Use instead
            Send the planned name, or plan the property:
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"order_id": "ord_1"}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV103",
        slug="required-missing",
        summary="A required property or trait is missing",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A required property or trait is missing.

            ## What it does
            Reports each property (or trait) marked `required: true` that the message does
            not send, also when it sends no `properties` object at all, and each required key
            of a nested object that is sent. Required `context` fields are EV112.

            ## Why is this bad?
            Reports are built on required properties: without `revenue` an e-commerce
            dashboard shows nothing for the order, without `order_id` orders cannot be
            joined to the back office.

            ## Example
            ```yaml
            events:
              Order Completed:
                properties:
                  order_id: {type: string, required: true}
            ```
            ```json
            {"type": "track", "event": "Order Completed", "properties": {}}
            ```
            reports
            ```text
            EV103 /properties/order_id is required but missing
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"order_id": "ord_1"}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV104",
        slug="type-mismatch",
        summary="A value has another JSON type than the plan gives it",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A value has another JSON type than the plan gives it.

            ## What it does
            Reports a property, trait or nested value whose JSON type is not one the plan
            allows: a string where a number is planned, a number for a boolean, an object for
            an array. An `integer` must be a whole number. A value of the wrong type is this
            one finding, not also an enum, pattern or range failure. A null where null is not
            allowed is EV110.

            ## Why is this bad?
            Warehouses give a column one type: a `revenue` sent as `"19.99"` either fails to
            load or turns the column into text that no report can sum.

            ## Example
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"revenue": "19.99"}}
            ```
            reports
            ```text
            EV104 /properties/revenue: expected number, got string "19.99"
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"revenue": 19.99}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV105",
        slug="enum-violation",
        summary="A value is not one of the values the plan allows",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A value is not one of the values the plan allows.

            ## What it does
            Reports a value outside the property's `enum` (or other than its single allowed
            value), naming the allowed values. The comparison is exact: `"usd"` is not
            `"USD"`.

            ## Why is this bad?
            An enum is a dimension that reports group by. A value outside it, or the same
            value in another case, becomes a group of its own that no dashboard filter
            expects.

            ## Example
            ```yaml
            currency: {type: string, enum: [USD, EUR]}
            ```
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"currency": "usd"}}
            ```
            reports
            ```text
            EV105 /properties/currency: "usd" is not one of ["USD", "EUR"]
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"currency": "USD"}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV106",
        slug="pattern-mismatch",
        summary="A string does not match the property's pattern",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A string does not match the property's pattern.

            ## What it does
            Reports a string in which the property's `pattern` finds no match. As in JSON
            Schema, the pattern is searched for anywhere in the value (with Python's regular
            expressions), so anchor it with `^` and `$` to match the whole value.

            ## Why is this bad?
            Patterns guard identifiers that other systems join on; an `order_id` in another
            shape matches no order in the back office.

            ## Example
            ```yaml
            order_id: {type: string, pattern: "^ord_[0-9a-z]{12}$"}
            ```
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"order_id": "12345"}}
            ```
            reports
            ```text
            EV106 /properties/order_id: "12345" does not match the pattern ^ord_[0-9a-z]{12}$
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed",
             "properties": {"order_id": "ord_0123456789ab"}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV107",
        slug="out-of-range",
        summary="A number is outside the property's range",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A number is outside the property's range.

            ## What it does
            Reports a number below `minimum`, above `maximum`, not above
            `exclusive_minimum`, not below `exclusive_maximum`, or not a multiple of
            `multiple_of`.

            ## Why is this bad?
            A value outside the range is a bug where it was sent: a negative price, a
            checkout step that does not exist, a quantity of zero. Left in, it skews every
            sum and average built on it.

            ## Example
            ```yaml
            step: {type: integer, minimum: 1, maximum: 4}
            ```
            ```json
            {"type": "screen", "name": "Checkout", "properties": {"step": 5}}
            ```
            reports
            ```text
            EV107 /properties/step: 5 is greater than the maximum 4
            ```

            ## Use instead
            ```json
            {"type": "screen", "name": "Checkout", "properties": {"step": 4}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV108",
        slug="length-violation",
        summary="A string or array is shorter or longer than the plan allows",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A string or array is shorter or longer than the plan allows.

            ## What it does
            Reports a string with fewer characters than `min_length` or more than
            `max_length`, and an array with fewer items than `min_items` or more than
            `max_items`.

            ## Why is this bad?
            Length bounds keep values inside what destinations store: a warehouse column
            truncates or rejects a longer string, and an empty list where one item is the
            least is a bug in the sender.

            ## Example
            ```yaml
            coupon: {type: string, max_length: 5}
            ```
            ```json
            {"type": "track", "event": "Coupon Applied", "properties": {"coupon": "SUMMER2024"}}
            ```
            reports
            ```text
            EV108 /properties/coupon: "SUMMER2024" is longer than 5 characters
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Coupon Applied", "properties": {"coupon": "SUMMR"}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV109",
        slug="format-violation",
        summary="A string is not in the property's format",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A string is not in the property's format.

            ## What it does
            Reports a string that is not a valid value of the property's format: `email`,
            `uri`, `uuid`, `date` (`2024-05-01`), `date-time` (RFC 3339, with a UTC offset),
            ... For a type list of formats (`type: [date, date-time]`), the value must be one
            of them.

            ## Why is this bad?
            Formats are what destinations parse: a `date-time` they cannot read becomes null
            in the warehouse, an email that is not one breaks the campaign that uses it.

            ## Example
            ```yaml
            email: {type: email}
            ```
            ```json
            {"type": "identify", "userId": "u1", "traits": {"email": "nobody"}}
            ```
            reports
            ```text
            EV109 /traits/email: "nobody" is not a valid email
            ```

            ## Use instead
            ```json
            {"type": "identify", "userId": "u1", "traits": {"email": "ada@example.com"}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV110",
        slug="null-not-allowed",
        summary="A value is null where the plan does not allow null",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A value is null where the plan does not allow null.

            ## What it does
            Reports a property, trait or nested value sent as JSON `null` when the plan does
            not make it nullable (`nullable: true`, or `null` in its type list). A null
            value is sent, so it is not a missing property (EV103).

            ## Why is this bad?
            Code that reads the property expects a value; SDKs send `null` for a variable
            that was never set, which usually hides a bug in the caller.

            ## Example
            ```yaml
            note: {type: string}
            ```
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"note": null}}
            ```
            reports
            ```text
            EV110 /properties/note: expected string, got null
            ```

            ## Use instead
            Leave the property out when there is no value, or plan it as nullable:
            ```yaml
            note: {type: string, nullable: true}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV111",
        slug="composite-violation",
        summary="A value breaks a constraint of the plan that has no code of its own",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A value breaks a constraint of the plan that has no code of its own.

            ## What it does
            Reports a value that the compiled JSON Schema refuses for a reason none of the
            other EV codes name: an array with repeated items where the plan says
            `unique_items: true`, or any other keyword of the schema. The message says which
            rule was broken.

            ## Why is this bad?
            The value does not have the shape the plan promises to everyone who reads the
            data; a list of product ids with repeats counts products twice.

            ## Example
            ```yaml
            skus: {type: array, items: {type: string}, unique_items: true}
            ```
            ```json
            {"type": "track", "event": "Products Compared", "properties": {"skus": ["a", "a"]}}
            ```
            reports
            ```text
            EV111 /properties/skus: ["a", "a"] has repeated items
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Products Compared", "properties": {"skus": ["a", "b"]}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV112",
        slug="context-violation",
        summary="A context field is missing or breaks the plan",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A context field is missing or breaks the plan.

            ## What it does
            Reports what the plan's `context:` (or a definition's) asks of the message's
            `context`: a required field that is missing, also when the message has no
            `context` at all, and a field of the wrong type, outside its enum or pattern,
            and so on. Context fields not in the plan are allowed.

            ## Why is this bad?
            Context says where a message came from: without `app.version` a bug cannot be
            traced to the release that sends it, without `locale` reports cannot be split by
            market.

            ## Example
            ```yaml
            context:
              app.version: {type: string, required: true}
            ```
            ```json
            {"type": "track", "event": "Order Completed", "context": {}}
            ```
            reports
            ```text
            EV112 /context/app is required but missing
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed", "context": {"app": {"version": "2.3.0"}}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV113",
        slug="unplanned-trait",
        summary="An identify or group call sends a trait the plan does not define",
        default_severity=Severity.WARNING,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            An identify or group call sends a trait the plan does not define.

            ## What it does
            Reports each top-level key of `traits` that the identify or group definition does
            not list. Like EV102 for properties, its severity follows `unplanned_traits` (or
            the plan's `unplanned_properties`): a warning under `warn`, an error under
            `forbid`, nothing under `allow`.

            ## Why is this bad?
            Traits become columns of the user or account profile in every destination; an
            unplanned one is a column nobody owns, often a planned trait spelled another way.

            ## Example
            ```json
            {"type": "identify", "userId": "u1", "traits": {"plan": "pro"}}
            ```
            reports
            ```text
            EV113 /traits/plan is not in the plan
            ```

            ## Use instead
            Send a planned trait, or plan it:
            ```yaml
            identify:
              traits:
                plan: {type: string, enum: [free, pro]}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EV114",
        slug="deprecated-event",
        summary="A deprecated event, page or screen is still sent",
        default_severity=Severity.WARNING,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A deprecated event, page or screen is still sent.

            ## What it does
            Reports each message for a definition with `status: deprecated` in the plan.
            The message is still checked against the definition; this warning comes on top.

            ## Why is this bad?
            A deprecated event is one the team decided to stop sending, usually replaced by
            another. While old code still sends it, reports count the same action under two
            names.

            ## Example
            ```yaml
            events:
              Checkout Button Tapped: {status: deprecated}
            ```
            ```json
            {"type": "track", "event": "Checkout Button Tapped", "userId": "u1"}
            ```
            reports
            ```text
            EV114 'Checkout Button Tapped' is deprecated in the plan but still sent
            ```

            ## Use instead
            Send the event that replaces it, and remove the old call:
            ```json
            {"type": "track", "event": "Checkout Started", "userId": "u1"}
            ```
            """
        ),
    ),
)
