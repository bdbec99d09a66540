"""sqdocs: a police bureau's service-quality documents (提升服務品質) from structured data."""

__version__ = "0.1.0"
