# The two commands the README promises, plus helpers. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out

.PHONY: demo test lint clean

$(BIN)/relgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

## demo: build the South Korea–Uzbekistan graph on the embedded backend, summarise and export it
demo: $(BIN)/relgraph
	$(BIN)/relgraph --backend networkx load
	$(BIN)/relgraph --backend networkx stats
	$(BIN)/relgraph --backend networkx export --format json -o $(OUT)/south-korea-uzbekistan.json --force

## test: the whole test suite, with a real Neo4j server started for it (see tools/run-tests)
test: $(BIN)/relgraph
	tools/run-tests

lint: $(BIN)/relgraph
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache
