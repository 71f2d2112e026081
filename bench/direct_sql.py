"""The baseline of the dbt benchmarks: the SQL dbt compiled, run straight in DuckDB.

Run as ``python -m bench.direct_sql WAREHOUSE TARGET_DIR`` (a fresh process, as a dbt build
is): it replays, in the order of ``run_results.json``, every seed (DuckDB's own ``read_csv``),
model (the exact statement under ``target/run``, then the swap dbt does) and data test of the
build that wrote ``TARGET_DIR``, on a copy of the warehouse, with the profile's settings. What
dbt costs beyond this is dbt's own overhead: start-up, parsing, per-node bookkeeping.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

#: The profile's explicit settings (dbt_project/profiles.yml), so both sides run alike.
PROFILE_SETTINGS = ("set memory_limit = '4GB'", "set preserve_insertion_order = false",
                    "set TimeZone = 'UTC'")


def _seed_sql(node: dict, project_dir: Path) -> str:
    types = node.get("config", {}).get("column_types") or {}
    columns = ", ".join(f"'{name}': '{sql}'" for name, sql in types.items())
    options = f", types = {{{columns}}}" if columns else ""
    path = project_dir / node["original_file_path"]
    return (f'create or replace table "{node["schema"]}"."{node["alias"]}" as '
            f"select * from read_csv('{path}', header = true{options})")


def _drop(connection, schema: str, alias: str) -> None:
    kind = connection.execute(
        "select table_type from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, alias]).fetchone()
    if kind is not None:
        connection.execute(f'drop {"view" if kind[0] == "VIEW" else "table"} "{schema}"."{alias}" cascade')


def _swap(connection, node: dict) -> None:
    """dbt builds ``<name>__dbt_tmp`` then renames it over the model: do the same."""
    schema, alias = node["schema"], node["alias"]
    kinds = dict(connection.execute(
        "select table_name, table_type from information_schema.tables where table_schema = ? "
        "and table_name in (?, ?)", [schema, alias, f"{alias}__dbt_tmp"]).fetchall())
    temporary = kinds.get(f"{alias}__dbt_tmp")
    if temporary is None:
        return
    old = kinds.get(alias)
    if old is not None:
        connection.execute(f'drop {"view" if old == "VIEW" else "table"} "{schema}"."{alias}" cascade')
    word = "view" if temporary == "VIEW" else "table"
    connection.execute(f'alter {word} "{schema}"."{alias}__dbt_tmp" rename to "{alias}"')


def replay(warehouse: Path, target_dir: Path, project_dir: Path) -> dict[str, int]:
    import duckdb

    manifest = json.loads((target_dir / "manifest.json").read_text(encoding="utf-8"))
    results = json.loads((target_dir / "run_results.json").read_text(encoding="utf-8"))["results"]
    counts = {"seed": 0, "model": 0, "test": 0}
    connection = duckdb.connect(":memory:")
    for statement in PROFILE_SETTINGS:
        connection.execute(statement)
    connection.execute(f"attach '{warehouse}' as warehouse")
    connection.execute("use warehouse")
    for result in results:
        node = manifest["nodes"].get(result["unique_id"])
        if node is None or node["resource_type"] not in counts:
            continue
        if node["resource_type"] == "seed":
            connection.execute(_seed_sql(node, project_dir))
        else:
            sql = Path(node["build_path"]).read_text(encoding="utf-8")
            if node["resource_type"] == "test":
                connection.execute(sql).fetchall()
            else:
                if f'{node["alias"]}__dbt_tmp' not in sql:
                    # a full refresh of an incremental model: dbt dropped it, then created it
                    _drop(connection, node["schema"], node["alias"])
                connection.execute(sql)
                _swap(connection, node)
        counts[node["resource_type"]] += 1
    connection.execute("checkpoint")
    connection.close()
    return counts


if __name__ == "__main__":
    started = time.perf_counter()
    done = replay(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
    print(json.dumps({"seconds": time.perf_counter() - started, **done}))
