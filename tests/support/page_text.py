"""Everything an AppTest run put on screen, as one searchable text (tables as CSV, charts as
their JSON spec), so a test can prove that a value is *not* shown anywhere."""

from __future__ import annotations


def visible_text(at) -> str:
    parts: list[str] = []

    def walk(node) -> None:
        if getattr(node, "type", "") == "dataframe":
            parts.append(node.value.to_csv())
        elif hasattr(node, "proto"):
            parts.append(str(node.proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(parts)


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]
