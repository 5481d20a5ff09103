# The two commands the README promises, plus helpers. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    := out

.PHONY: demo test lint bench-neo4j tck-neo4j clean peers tck-peers bench

$(BIN)/relgraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@

## demo: build the South Korea–Uzbekistan graph on the embedded backend, summarise it, export it
##       as node-link JSON and draw it as an offline HTML view
demo: $(BIN)/relgraph
	$(BIN)/relgraph --backend networkx load
	$(BIN)/relgraph --backend networkx stats
	$(BIN)/relgraph --backend networkx export --format json -o $(OUT)/south-korea-uzbekistan.json --force
	$(BIN)/relgraph --backend networkx view -o $(OUT)/south-korea-uzbekistan.html --force

## test: the whole test suite, with a real Neo4j server started for it (see tools/run-tests)
test: $(BIN)/relgraph
	tools/run-tests

## bench-neo4j: relgraph's Neo4j loader against a hand-written import (starts its own server; see bench/README.md)
bench-neo4j: $(BIN)/relgraph
	$(BIN)/python bench/neo4j_load.py

## tck-neo4j: the openCypher TCK against a throw-away Neo4j, per-folder table (about 3 minutes;
##            tests/test_tck_neo4j.py runs the same in `make test` and holds it to floor-neo4j.json)
tck-neo4j: $(BIN)/relgraph
	$(BIN)/python -m tests.tck.neo4j_target $(TCK_ARGS)

lint: $(BIN)/relgraph
	$(BIN)/ruff check .

## peers: a separate virtualenv with grand-cypher and nxcypher (pinned) plus relgraph, for comparisons
PEERS := bench/.venv-peers
$(PEERS)/.installed: bench/requirements-peers.txt pyproject.toml
	$(PYTHON) -m venv $(PEERS)
	$(PEERS)/bin/pip install --quiet --upgrade pip
	$(PEERS)/bin/pip install --quiet -r bench/requirements-peers.txt
	$(PEERS)/bin/pip install --quiet -e .
	@touch $@
peers: $(PEERS)/.installed

## tck-peers: the TCK on the peer libraries (relgraph's own count: python -m tests.tck)
tck-peers: peers
	for t in grand-cypher nxcypher tests.tck.peers:NxCypherUnassistedTarget; do $(PEERS)/bin/python -m tests.tck --target $$t; done

## bench: relgraph's Cypher engine against the peers at 1k, 10k and 100k nodes (about 20 minutes)
bench: peers
	$(PEERS)/bin/python bench/cypher_engines.py

clean:
	rm -rf $(VENV) $(PEERS) $(OUT) .pytest_cache .ruff_cache
