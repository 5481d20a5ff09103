"""relgraph's version, here at the bottom so that every layer can print it (pyproject.toml reads it)."""

VERSION = "0.1.0"
