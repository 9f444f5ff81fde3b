"""The service catalog: the agency's approved answers, loaded, searched and rendered."""

from dalil.catalog.loader import CatalogError, load_catalog, parse_catalog
from dalil.catalog.model import ASPECTS, Catalog, Office, Service

__all__ = [
    "ASPECTS", "Catalog", "CatalogError", "Office", "Service", "load_catalog", "parse_catalog"
]
