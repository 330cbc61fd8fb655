"""What each lint rule finds, in one line: the README's lint table and docs/lint.md read these."""

from __future__ import annotations

MEANINGS: dict[str, str] = {
    # bodies against their schema (lint_bodies, described_enums)
    "example-null": "`null` sent for a field whose type does not allow it",
    "example-type-mismatch": "a value sent with a type the schema does not declare",
    "enum-with-description": "an enum value that carries its description (`pending: Waiting in queue`)",
    "example-outside-enum": "a status sent that its enum does not list",
    "status-spelling": "a status enum without the vendor's other spellings of its end (JoggAI's `success`, `fail`)",
    "undeclared-field": "a field sent that the schema never declares",
    # each operation's shape (lint)
    "example-is-text": "an example given as a string of commented JSON",
    "example-unparseable": "an example that is not JSON at all",
    "missing-examples": "an operation with no response example",
    "missing-operation-id": "an operation with no operationId",
    "odd-operation-id": "an operationId that is not a readable identifier",
    "empty-required-id": 'a required id parameter that allows `""`',
    "response-without-schema": "an error response with no body schema",
    "undocumented-error": "error statuses the profile knows or infers that the spec omits",
    # requests (lint_requests)
    "request-null-refused": "an optional request field typed without `null`, which the vendor accepts",
    # prose (lint_prose)
    "prose-vs-responses": "prose promising HTTP status codes where only 2xx are documented",
    "prose-vs-servers": "a base URL in prose that disagrees with `servers` + paths",
    "copied-description": "a property with its sibling's description",
    "broken-link": "a reference link with a doubled path word",
    "missing-summary": "an operation with no summary",
    "empty-description": "an empty description",
    "prose-wrong-id": "prose naming the id as another resource's (`project ID` for a video id)",
    # values (lint_values)
    "example-time-order": "example timestamps out of order (a link expiring before creation)",
    "placeholder-value": "a placeholder (`<preview_image_url>`) where a URL is described",
    "cross-spec-type": "a field typed number in one of a vendor's documents, integer in another",
    # statuses (lint_statuses)
    "failure-without-reason": "a failure status with no field for its reason, while a sibling has one",
    "failure-only-in-prose": "a failure spoken of in prose that no example or enum names",
    "status-against-meaning": "an HTTP status documented for a meaning HTTP gives another code",
}
