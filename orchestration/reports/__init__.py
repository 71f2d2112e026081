"""National documents built from the published marts: the weekly synthesis, the monthly report
and the Thursday reminder list. They are plain functions so that the ``cipd`` commands, the
Dagster assets and the tests produce exactly the same files."""
