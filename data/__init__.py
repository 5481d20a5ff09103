"""Package data: importable so that importlib.resources finds it in installed copies too."""
