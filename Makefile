# flash-new: every target sets up .venv first (idempotent), from this repository's files only.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Lightning Flash's own pre-commit tools at its pins, in a venv of their own (tests/gates.py runs them).
GATES := .venv-gates
GATES_STAMP := $(GATES)/.installed
DEMO := demo

.PHONY: install demo test test-slow examples bench mutate release-template lint clean

install: $(STAMP) $(GATES_STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23" "setuptools<81" wheel
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[flash,test]"
	touch $(STAMP)

$(GATES_STAMP): requirements-gates.txt
	test -x $(GATES)/bin/python || $(PYTHON) -m venv $(GATES)
	$(GATES)/bin/python -m pip install --quiet -r requirements-gates.txt
	touch $(GATES_STAMP)

# Scaffold `myclf` into a fresh demo project, then run its generated tests and its example.
demo: install
	rm -rf $(DEMO) && mkdir -p $(DEMO)/src/demo_tasks && touch $(DEMO)/src/demo_tasks/__init__.py
	git -C $(DEMO) init -q
	$(BIN)/flash-new task myclf --dest $(DEMO) --defaults
	cd $(DEMO) && PYTHONPATH=src ../$(BIN)/python -m pytest -q -p no:cacheprovider -W ignore tests/myclf/classification
	cd $(DEMO) && PYTHONPATH=src ../$(BIN)/python examples/myclf/myclf_classification.py 2>/dev/null | grep -E "^val_"

# Two workers (pytest-xdist); the tests that share the combination renderer stay on one (tests/conftest.py).
test: install
	$(BIN)/python -m pytest -q -n 2 --dist loadgroup

test-slow: install
	$(BIN)/python -m pytest -q -m slow

examples: install
	$(BIN)/python -m maintainer.examples

bench: install
	$(BIN)/python benchmarks/run.py

# Mutation testing of the modules that guard users' files (slow; not in CI). Report: benchmarks/MUTATION.md.
mutate: install
	$(BIN)/python benchmarks/mutate.py --max-children 1

# Needs git and Python only (no .venv): the bundle is built with git, from the template folder.
release-template:
	$(PYTHON) -m maintainer.release --amend

lint: install
	$(BIN)/ruff check scaffold maintainer tests benchmarks && $(BIN)/ruff format --check scaffold maintainer tests benchmarks

clean:
	rm -rf $(VENV) $(GATES) $(DEMO) build dist *.egg-info mutants
