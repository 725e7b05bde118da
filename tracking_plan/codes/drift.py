"""DR3xx: drift that only a whole input shows (`tp validate`, unless `--no-drift`)."""

from __future__ import annotations

from ..diagnostics import Severity
from .entry import CodeEntry, Phase, doc

DRIFT_CODES = (
    CodeEntry(
        code="DR300",
        slug="property-sometimes-missing",
        summary="A planned property is usually sent but sometimes missing",
        default_severity=Severity.INFO,
        phase=Phase.DRIFT,
        documentation=doc(
            """
            A planned property is usually sent but sometimes missing.

            ## What it does
            For each definition with at least 10 records in the input, reports each planned
            property that at least half of the records send and some do not, with the share
            that lacks it. A required property that is missing is also EV103 on each record;
            this finding shows the pattern behind them.

            ## Why is this bad?
            A property that one platform, release or code path forgets makes every report
            split by it wrong for that share of the data, and the gap is easy to miss
            record by record.

            ## Example
            ```text
            DR300 'currency' of 'Checkout Started' is missing in 6.7% of 15 records
            ```

            ## Use instead
            Find the records without it (`--invalid-out`, or the samples of EV103), send the
            property from the code path that forgets it, or plan it as optional if it is.
            """
        ),
    ),
    CodeEntry(
        code="DR301",
        slug="property-type-inconsistent",
        summary="A property arrives with several JSON types",
        default_severity=Severity.WARNING,
        phase=Phase.DRIFT,
        documentation=doc(
            """
            A property arrives with several JSON types.

            ## What it does
            For each definition with at least 10 records in the input, reports each property
            that arrives with more than one JSON type (string, number, boolean, null, object,
            array), with the share of each. The values of the wrong type are also EV104 or
            EV110 on each record where the plan gives a type.

            ## Why is this bad?
            One release sending `revenue` as `"19.99"` and the next as `19.99` gives the
            warehouse column two types: the load fails, or the column becomes text and sums
            stop working.

            ## Example
            ```text
            DR301 'revenue' of 'Order Completed' arrives with several types: number 50.0%,
            string 50.0%
            ```

            ## Use instead
            Send one type from every platform and release (the one the plan gives), and
            convert at the source, not in the warehouse.
            """
        ),
    ),
    CodeEntry(
        code="DR304",
        slug="planned-not-observed",
        summary="A planned event never appears in the input",
        default_severity=Severity.INFO,
        phase=Phase.DRIFT,
        documentation=doc(
            """
            A planned event never appears in the input.

            ## What it does
            Reports each track event of the plan (included spec libraries too) that no
            record of the input sends. The text report lists them on one line.

            ## Why is this bad?
            An event that is planned but never sent is either not implemented yet, sent
            under another name (see DR305), or no longer used and worth removing from the
            plan; reports built on it are empty.

            ## Example
            ```text
            DR304 planned event 'Product Removed' never appears in the input
            ```

            ## Use instead
            Implement the event, fix the name it is sent under, or remove it from the plan
            (or mark it `status: deprecated` while old clients may still send it).
            """
        ),
    ),
    CodeEntry(
        code="DR305",
        slug="observed-name-drift",
        summary="An unplanned event name looks like a planned one",
        default_severity=Severity.WARNING,
        phase=Phase.DRIFT,
        documentation=doc(
            """
            An unplanned event name looks like a planned one.

            ## What it does
            Reports each unplanned event name in the input that is a planned name written
            another way (another case, separator or word order) or a typo away from one,
            with the number of records that send it and the planned name as the
            suggestion. It is drawn from the EV100 of those records.

            ## Why is this bad?
            `completed_order` and `Order Completed` are two events in every tool: counts and
            funnels split between them, and neither is right.

            ## Example
            ```text
            DR305 3 records send 'completed_order', which looks like the planned 'Order
            Completed'
            ```

            ## Use instead
            Send the planned name from the code that sends the other one:
            ```json
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "m1"}
            ```
            """
        ),
    ),
    CodeEntry(
        code="DR306",
        slug="property-name-drift",
        summary="An unplanned property name looks like a planned one",
        default_severity=Severity.WARNING,
        phase=Phase.DRIFT,
        documentation=doc(
            """
            An unplanned property name looks like a planned one.

            ## What it does
            Reports each unplanned top-level property of a definition that is one of its
            planned properties written another way (`orderId` for `order_id`) or a typo away,
            with the number of records and the planned name as the suggestion. It is drawn from
            the EV102 (EV113 for traits) of those records, which get EV103 as well when the
            planned property is required.

            ## Why is this bad?
            The value is sent, but under a name no report reads: the planned column stays
            empty for those records while a new one fills up beside it.

            ## Example
            ```text
            DR306 3 'Order Completed' records send 'orderId', which looks like the planned
            'order_id'
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"order_id": "ord_1"}}
            ```
            """
        ),
    ),
)
