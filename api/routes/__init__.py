"""The JSON API under /api, one module per area."""
