"""The SQLite catalog: schema, the batch writer, and read queries."""

from gphotos_tui.catalog.store import BatchResult, Catalog, CatalogError, Source, ingest

__all__ = ["BatchResult", "Catalog", "CatalogError", "Source", "ingest"]
