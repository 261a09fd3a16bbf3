"""`backup DEST` alone copies from the Takeout parts the catalog imported, and says which are gone."""

import os

from gphotos_tui.cli import main
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.takeout import write_takeout


def _files(root) -> set[str]:
    return {
        os.path.relpath(os.path.join(d, f), root)
        for d, _dirs, files in os.walk(root)
        for f in files
        if not os.path.islink(os.path.join(d, f))
    }


def test_backup_alone_copies_from_the_imported_parts_and_names_the_missing_ones(tmp_path, capsys):
    layout = write_takeout(SyntheticLibrary(40, 5), tmp_path / "parts", parts=3)
    db = str(tmp_path / "c.sqlite")
    assert main(["import-takeout", "--db", db, *map(str, layout.paths)]) == 0
    capsys.readouterr()

    named = tmp_path / "named"
    assert main(["backup", "--db", db, str(named), "--no-download", "--from-takeout", *map(str, layout.paths)]) == 0
    expected = _files(named)
    assert expected

    alone = tmp_path / "alone"
    assert main(["backup", "--db", db, str(alone), "--no-download"]) == 0
    out = capsys.readouterr()
    assert _files(alone) == expected, out.err
    assert "0 copied" not in out.out

    moved = tmp_path / "moved"
    moved.mkdir()
    gone = layout.paths[1]
    os.rename(gone, moved / gone.name)
    partial = tmp_path / "partial"
    main(["backup", "--db", db, str(partial), "--no-download"])
    out = capsys.readouterr()
    assert f"{gone.resolve()} is no longer there" in out.err
    assert "--from-takeout" in out.err
    assert 0 < len(_files(partial)) < len(expected)

    again = tmp_path / "again"  # --from-takeout still works for parts that moved
    paths = [str(p) for p in layout.paths if p != gone] + [str(moved / gone.name)]
    assert main(["backup", "--db", db, str(again), "--no-download", "--from-takeout", *paths]) == 0
    assert _files(again) == expected
