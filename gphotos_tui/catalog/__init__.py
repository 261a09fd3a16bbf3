"""The SQLite catalog: schema and migrations, the batch writer, read queries, local files, export.

Every SQL statement of the project lives in this package."""

from gphotos_tui.catalog.store import BatchResult, Catalog, CatalogError, Source, ingest

__all__ = ["BatchResult", "Catalog", "CatalogError", "Source", "ingest"]
