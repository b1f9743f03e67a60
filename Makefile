# Assignment documents, rebuilt only when their inputs change.
#
#   make handbook ASSIGNMENT=dl-logistiek-2027   one document of one assignment
#   make all                                     every allowed document of every assignment
#
# A document depends on its assignment's folder, the templates, the brand template,
# firm.yaml and the generator itself. Safe with -j: each target writes its own files,
# atomically. The document targets and rules are those `interim init` gives a firm
# (generator/scaffold/repository/Makefile); here the generator is this checkout,
# installed in editable mode, and its code and templates are inputs of every document.

INSTALL_FROM := pyproject.toml
INSTALL_ARGS := -e '.[dev]'
AFTER_INSTALL = $(VENV)/bin/python -m compileall -q generator  # bytecode, also where PYTHONDONTWRITEBYTECODE
# (templates/ here; generator/templates/ in the wheel: either place counts)
GENERATOR_FILES := $(shell find generator templates -type f -not -name '*.pyc' 2>/dev/null)

include generator/scaffold/repository/Makefile

.PHONY: example test test-long mutate lint bench

example: ## Set up, then build every document of the reference example
	$(MAKE) all ASSIGNMENT=dl-logistiek-2027

test: $(INSTALLED) ## Run the tests on every core (LibreOffice tests skip when soffice is missing)
	$(VENV)/bin/pytest -q -n auto

test-long: $(INSTALLED) ## The property-based tests with many more examples (HYPOTHESIS_SEED=N repeats a run)
	HYPOTHESIS_PROFILE=long REDLINE_EXAMPLES=200 $(VENV)/bin/pytest -q -p no:cacheprovider \
		tests/test_hostile.py tests/source/test_history.py tests/delivery/test_redline.py

mutate: $(INSTALLED) ## Mutation score of one module: make mutate MODULE=generator/writer/table.py [REPORT_ONLY=1]
	@test -n "$(MODULE)" || { echo "name the module: make mutate MODULE=generator/writer/table.py" >&2; exit 2; }
	$(VENV)/bin/python tests/mutation/mutate.py $(MODULE) $(if $(REPORT_ONLY),--report-only)

lint: $(INSTALLED) ## ruff over the code and the tests
	$(VENV)/bin/ruff check generator tests bench

bench: $(INSTALLED) ## Speed against pandoc, and the build and PDF batch benchmarks
	$(VENV)/bin/python bench/bench_convert.py
	$(VENV)/bin/python bench/bench_build.py
	$(VENV)/bin/python bench/bench_layout.py
	$(VENV)/bin/python bench/bench_redline.py
