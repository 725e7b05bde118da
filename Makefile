PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

PYTEST_ARGS ?=

.PHONY: demo test test-python venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tp libraries
	$(BIN)/tp compile plans/shop/plan.yaml -o out/shop-schemas
	$(BIN)/tp compile plans/shop/plan.yaml --format segment -o out/shop-segment.json
	-$(BIN)/tp validate plans/shop/plan.yaml plans/shop/sample-events.jsonl
	@echo
	@echo "Schemas: out/shop-schemas/  Segment Protocols JSON: out/shop-segment.json"

venv: $(STAMP)

test: $(STAMP)
	$(BIN)/ruff check tracking_plan rules tests tools bench
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

# The suite alone on another interpreter, in a venv of its own (.ci/run does this for every
# supported minor version the machine has): make test-python PYTHON=python3.13 VENV=.venv-3.13
test-python: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .venv-3.* out .pytest_cache .mypy_cache .ruff_cache
