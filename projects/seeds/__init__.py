"""Load the seed documents (`fixtures/`) into the database.

Two phases, as for any import: first every file is read and every entry checked (`reading`),
and any problem is reported with the file and the entry that holds it; only then, in one
transaction, are the objects written (`writing`). A project that already exists (same code) is
left as it is, so running the loader again duplicates nothing and never overwrites what users
have edited since; `reset=True` rebuilds the seed projects.
"""

from .reading import (  # noqa: F401
    CATALOGUE_FILE,
    FIXTURES_DIR,
    SEED_DIR,
    SeedError,
    SeedSet,
    catalogue_paths,
    read_catalogue,
    read_seed_files,
)
from .writing import LoadReport, seeds_load, write_catalogue  # noqa: F401
