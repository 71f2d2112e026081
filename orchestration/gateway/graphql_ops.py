"""What a GraphQL request asks for: the mutation fields, and a short summary of its variables.

Why parse here: the gateway must know, before Dagster runs anything, whether a request writes
(launch, terminate, stop a sensor, wipe assets…) so that it is refused or audited first. It
uses graphql-core, the parser Dagster's own server uses, so both read the same operations.
"""

from __future__ import annotations

from typing import Any

from graphql import FieldNode, GraphQLError, OperationDefinitionNode, OperationType, parse

MAX_SUMMARY_ENTRIES = 30
MAX_VALUE_CHARS = 80


def mutation_fields(query: str, operation_name: str | None) -> list[str] | None:
    """The top-level fields of the mutation(s) the request would run ([] for a read), or None
    when the text does not parse (Dagster then refuses it too, running nothing)."""
    try:
        document = parse(query)
    except GraphQLError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [op for op in operations if op.name and op.name.value == operation_name]
    fields = []
    for op in operations:
        if op.operation == OperationType.MUTATION:
            fields += [s.name.value if isinstance(s, FieldNode) else "<fragment>"
                       for s in op.selection_set.selections]
    return fields


def summarise(variables: Any, prefix: str = "") -> dict[str, str]:
    """Dotted path → value (truncated), for the audit: enough to tell which job, run, sensor or
    asset, without copying a whole run config into the journal."""
    entries: dict[str, str] = {}

    def walk(value: Any, path: str) -> None:
        if len(entries) >= MAX_SUMMARY_ENTRIES:
            return
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{path}.{key}" if path else str(key))
        elif isinstance(value, list):
            for index, item in enumerate(value[:5]):
                walk(item, f"{path}[{index}]")
        else:
            text = value if isinstance(value, str) else repr(value)
            entries[path or "value"] = text[:MAX_VALUE_CHARS]

    walk(variables, prefix)
    return entries
