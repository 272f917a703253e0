"""The official certification rules as code: plain Python and Polars, never Django."""
