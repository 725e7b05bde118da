"""EN2xx: the message around its payload, and how it travels (`tp validate`, `tp serve`)."""

from __future__ import annotations

from ..diagnostics import Severity
from .entry import CodeEntry, Phase, doc

ENVELOPE_CODES = (
    CodeEntry(
        code="EN200",
        slug="not-json",
        summary="A record or request body is not a JSON message object",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A record or request body is not a JSON message object.

            ## What it does
            Reports a record of the input that cannot be read as a message: text that is not
            valid JSON (saying what breaks and where), a JSON value that is not an object,
            a value nested hundreds of levels deep, and input that cannot be read as records
            (an entry of a HAR capture that cannot be decoded). Reading goes on at the next
            record. `tp serve` answers 400 with this code for a body that is not UTF-8 JSON.

            ## Why is this bad?
            Segment drops what it cannot parse, with no trace in any tool: every event in a
            cut or garbled record is lost.

            ## Example
            ```json
            {"type": "track", "event": "Order Completed",
            ```
            reports
            ```text
            EN200 not valid JSON: Expecting property name enclosed in double quotes at column 46
            ```

            ## Use instead
            One complete JSON object per line (JSON Lines), or a JSON array of them:
            ```json
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "m1"}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EN201",
        slug="message-too-large",
        summary="A message is over Segment's 32 KB limit",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A message is over Segment's 32 KB limit.

            ## What it does
            Reports a message whose JSON is more than 32 KB (32,768 bytes), the most
            Segment's tracking API accepts for one call. `tp serve` refuses such a message
            with 400, as Segment does.

            ## Why is this bad?
            Segment rejects the whole message, so the event never reaches any destination.
            Messages that large usually carry a blob (a cart serialised into one property, a
            base64 image) that belongs elsewhere.

            ## Example
            A track call whose `properties.note` holds 40,000 characters reports
            ```text
            EN201 the message is 40,218 bytes; Segment rejects messages over 32 KB
            ```

            ## Use instead
            Send ids and the few fields reports need, not whole documents:
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"order_id": "ord_1"}}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EN202",
        slug="batch-too-large",
        summary="A request to tp serve is over Segment's batch limits",
        default_severity=Severity.ERROR,
        phase=Phase.SERVE,
        documentation=doc(
            """
            A request to `tp serve` is over Segment's batch limits.

            ## What it does
            `tp serve` answers 400 with this code for a request body over 500 KB (after gzip
            is undone) and for a batch of more than 2,500 messages, the limits of Segment's
            `/v1/batch`. Nothing of the request is stored.

            ## Why is this bad?
            Segment refuses the whole request, so every message in it is lost; an SDK or a
            server-side sender that builds such batches loses data in production too.

            ## Example
            A `POST /v1/batch` of 3,000 messages gets
            ```text
            EN202 the batch has 3,000 messages; Segment refuses batches of over 2,500: split it
            ```

            ## Use instead
            Send smaller batches: at most 2,500 messages and 500 KB a request (the SDKs'
            default flush sizes stay well below both).
            """
        ),
    ),
    CodeEntry(
        code="EN203",
        slug="missing-identity",
        summary="A message has neither userId nor anonymousId",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A message has neither userId nor anonymousId.

            ## What it does
            Reports a message without a `userId` and without an `anonymousId`, and one whose
            `userId` or `anonymousId` is not a non-empty string.

            ## Why is this bad?
            Segment needs one of them to tie the message to a person and rejects it without.
            An event nobody can be attributed to counts in no funnel and no profile.

            ## Example
            ```json
            {"type": "track", "event": "Order Completed", "messageId": "m1"}
            ```
            reports
            ```text
            EN203 the message has neither userId nor anonymousId
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed", "messageId": "m1", "anonymousId": "a1"}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EN204",
        slug="missing-event-name",
        summary="A track call has no event name",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A track call has no event name.

            ## What it does
            Reports a track call without `event`, or whose `event` is not a non-empty string.

            ## Why is this bad?
            A track call is an event by name: without one Segment rejects it and no tool can
            count it.

            ## Example
            ```json
            {"type": "track", "userId": "u1", "messageId": "m1", "properties": {}}
            ```
            reports
            ```text
            EN204 a track call has no event name
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "m1"}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EN205",
        slug="bad-message-id",
        summary="A messageId is missing, too long or seen twice",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A messageId is missing, too long or seen twice.

            ## What it does
            Reports a message without a `messageId`, or whose `messageId` is not a string of
            1 to 100 characters (errors), and a `messageId` already seen earlier in the
            input, across files and `--jobs` parts (a warning).

            ## Why is this bad?
            Segment deduplicates on `messageId`: a second message with the same id is
            dropped, so two different events that share an id lose one, and a retry that
            makes a new id is counted twice.

            ## Example
            A retry that sends the same call again reports
            ```text
            EN205 messageId 'baf2b9f9-de6a-4eb8' was already seen; Segment drops duplicates
            ```

            ## Use instead
            Let the SDK make the id (a UUID per call) and keep it when it retries the same
            call; make a new one for each new call.
            """
        ),
    ),
    CodeEntry(
        code="EN206",
        slug="bad-type",
        summary="A message's type is missing or unknown, or it lacks a field its type needs",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A message's type is missing or unknown, or it lacks a field its type needs.

            ## What it does
            Reports a message without `type`, with a `type` other than track, identify,
            group, page, screen or alias, a call without a field its type needs (a group
            call without `groupId`, an alias without `userId` or `previousId`), and other
            faults of the envelope that no other EN code names.

            ## Why is this bad?
            Segment routes a message by its type; one it cannot route is rejected and lost.

            ## Example
            ```json
            {"type": "trak", "event": "Order Completed", "userId": "u1", "messageId": "m1"}
            ```
            reports
            ```text
            EN206 /type: "trak" is not a message type (track, identify, group, page, screen, alias)
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed", "userId": "u1", "messageId": "m1"}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EN207",
        slug="bad-timestamp",
        summary="A timestamp is not an RFC 3339 date-time, or is far from when it was sent",
        default_severity=Severity.ERROR,
        phase=Phase.VALIDATE,
        documentation=doc(
            """
            A timestamp is not an RFC 3339 date-time, or is far from when it was sent.

            ## What it does
            Reports `timestamp`, `originalTimestamp`, `sentAt` or `receivedAt` when it is not
            an RFC 3339 date-time (an error), saying when it is still ISO 8601: an offset
            without a colon (`-0700`) or a time without an offset. Any UTC offset is valid,
            `Z` or local (`+01:00`). It warns when `timestamp` is more than 10 minutes after
            `sentAt` (or `receivedAt`), or more than 7 days before it.

            ## Why is this bad?
            A timestamp that cannot be read puts the event at the time Segment received it,
            or drops it; a time without an offset names no moment at all. A timestamp far
            from `sentAt` comes from a device clock that is wrong, and puts the event on the
            wrong day in every report.

            ## Example
            ```json
            {"type": "track", "event": "Order Completed", "timestamp": "2024-05-01T10:00:00-0700"}
            ```
            reports
            ```text
            EN207 /timestamp "2024-05-01T10:00:00-0700" is ISO 8601 but not RFC 3339, which JSON
            Schema's date-time requires: write the UTC offset with a colon (-07:00)
            ```

            ## Use instead
            ```json
            {"type": "track", "event": "Order Completed", "timestamp": "2024-05-01T10:00:00-07:00"}
            ```
            """
        ),
    ),
    CodeEntry(
        code="EN208",
        slug="unsupported-payload",
        summary="A request to tp serve has a body it cannot read as messages",
        default_severity=Severity.ERROR,
        phase=Phase.SERVE,
        documentation=doc(
            """
            A request to `tp serve` has a body it cannot read as messages.

            ## What it does
            `tp serve` answers 400 with this code for a body that is empty, has a
            `Content-Type` other than JSON or text or a `Content-Encoding` other than gzip,
            is not valid or is truncated gzip, is not a JSON object, or is a batch whose
            `batch` is not an array of message objects. Nothing of the request is stored.

            ## Why is this bad?
            Segment refuses these requests as well: whatever sends them loses every message
            in them.

            ## Example
            A `POST /v1/track` whose body is `[{"event": "Order Completed"}]` gets
            ```text
            EN208 the body is a list, not a JSON object; send one message object
            ```

            ## Use instead
            Send one message object to a call's path (`/v1/track`), or
            `{"batch": [message, ...]}` to `/v1/batch`, as `application/json`, plain or
            gzip-compressed.
            """
        ),
    ),
    CodeEntry(
        code="EN209",
        slug="too-deep",
        summary="A request to tp serve nests too deeply",
        default_severity=Severity.ERROR,
        phase=Phase.SERVE,
        documentation=doc(
            """
            A request to `tp serve` nests too deeply.

            ## What it does
            `tp serve` answers 400 with this code for a message whose objects and arrays
            nest more than 100 levels deep, and for a body nested too deeply to parse.
            Nothing of the request is stored. (`tp validate` reports such a record as
            EN200.)

            ## Why is this bad?
            No analytics message needs that depth; it comes from code that serialises a
            recursive structure, and destinations flatten or drop it.

            ## Example
            A track call whose `properties` nest 150 objects deep gets
            ```text
            EN209 the message is nested over 100 levels deep; send flatter properties
            ```

            ## Use instead
            Send flat properties, with nested objects only a few levels deep:
            ```json
            {"type": "track", "event": "Order Completed", "properties": {"cart": {"size": 2}}}
            ```
            """
        ),
    ),
)
