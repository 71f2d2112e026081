"""Same seed, same settings, same clock → the same bytes; another seed → other data."""

from __future__ import annotations

import pytest

from demo.generator import generate


def _tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files(demo_settings, tmp_path):
    first = generate(tmp_path / "a", weeks=3, seed=11, history=False, settings=demo_settings)
    second = generate(tmp_path / "b", weeks=3, seed=11, history=False, settings=demo_settings)
    a, b = _tree(first.out), _tree(second.out)
    assert len(a) > 200 and "truth.json" in a
    assert a == b


def test_another_seed_gives_other_data(demo_settings, tmp_path):
    first = generate(tmp_path / "a", weeks=3, seed=11, history=False, settings=demo_settings)
    other = generate(tmp_path / "c", weeks=3, seed=12, history=False, settings=demo_settings)
    a, c = _tree(first.out), _tree(other.out)
    same_name = set(a) & set(c)
    assert sum(a[name] == c[name] for name in same_name) < len(same_name) / 2
    assert a["truth.json"] != c["truth.json"]


def test_regenerating_replaces_a_previous_demo_but_not_a_foreign_folder(demo_settings, tmp_path):
    out = tmp_path / "demo"
    generate(out, weeks=1, seed=3, history=False, settings=demo_settings)
    stale = out / "files" / "13" / "stale.csv"
    stale.write_text("x")
    generate(out, weeks=1, seed=3, history=False, settings=demo_settings)
    assert not stale.exists()

    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("keep me")
    with pytest.raises(FileExistsError, match="n'est pas vide"):
        generate(foreign, weeks=1, seed=3, history=False, settings=demo_settings)
    assert (foreign / "mine.txt").read_text() == "keep me"
