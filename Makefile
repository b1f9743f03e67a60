# Assignment documents, rebuilt only when their inputs change.
#
#   make handbook ASSIGNMENT=dl-logistiek-2027   one document of one assignment
#   make all                                     every allowed document of every assignment
#
# A document depends on its assignment's folder, the templates, the brand template,
# firm.yaml and the generator itself. Safe with -j: each target writes its own files,
# atomically.

PYTHON ?= python3
VENV ?= .venv
OUT ?= build
INTERIM := $(VENV)/bin/interim
INSTALLED := $(VENV)/.installed

ALL_IDS := $(patsubst assignments/%/assignment.yaml,%,$(wildcard assignments/*/assignment.yaml))
IDS := $(if $(ASSIGNMENT),$(ASSIGNMENT),$(ALL_IDS))
KINDS := proposal action-plan handbook progress handover

ifneq ($(filter-out $(ALL_IDS),$(ASSIGNMENT)),)
$(error no assignment '$(ASSIGNMENT)' under assignments/ (known: $(ALL_IDS)))
endif

# What every document depends on besides its own folder: the generator, the templates,
# firm.yaml (optional) and the files it names (brand template, own templates, logo).
FIRM := $(wildcard firm.yaml)
FIRM_FILES := $(if $(FIRM),$(shell sed -n -E \
  's/^(brand_template|templates|logo):[[:space:]]*([^#[:space:]]+).*/\2/p' firm.yaml))
SOURCES := $(shell find assignments -type f -not -name '.*' 2>/dev/null)
TOOL := $(shell find generator -type f \( -name '*.py' -o -name '*.yaml' \) 2>/dev/null) \
        $(shell find templates $(FIRM_FILES) -type f -not -name '*.pyc' 2>/dev/null) \
        $(FIRM) $(INSTALLED)
sources_of = $(filter assignments/$(1)/%,$(SOURCES))

.DEFAULT_GOAL := help
.PHONY: help setup example all pdf validate redline test test-long lint bench clean $(KINDS)

help: ## List the targets
	@echo "Usage: make TARGET [ASSIGNMENT=<id>]   (all assignments when ASSIGNMENT is omitted)"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

$(INSTALLED): pyproject.toml
	test -x $(VENV)/bin/pip || $(PYTHON) -m venv --clear $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	$(VENV)/bin/python -m compileall -q generator  # bytecode, also where PYTHONDONTWRITEBYTECODE
	touch $@

setup: $(INSTALLED) ## Create .venv and install the generator with its dev tools

example: ## Set up, then build every document of the reference example
	$(MAKE) all ASSIGNMENT=dl-logistiek-2027

# Each document is its own target. Progress reports (one per evaluation held) and
# `all` (whatever the phase allows) use a stamp. Without ASSIGNMENT, a kind that an
# assignment's phase does not allow yet is skipped with its reason instead of failing.
SKIP := $(if $(ASSIGNMENT),,--skip-unavailable)
doc_target = $(if $(filter progress,$(2)),$(OUT)/$(1)/.progress.stamp,$(OUT)/$(1)/$(2).docx)

define assignment_rules
$(OUT)/$(1)/.all.stamp: $(call sources_of,$(1)) $(TOOL)
	$(INTERIM) build $(1) --out $(OUT) -q
	@touch $$@

$(OUT)/$(1)/.pdf.stamp: $(call sources_of,$(1)) $(TOOL)
	$(INTERIM) build $(1) --out $(OUT) --pdf -q
	@touch $$@

$(OUT)/$(1)/.progress.stamp: $(call sources_of,$(1)) $(TOOL)
	$(INTERIM) build $(1) --doc progress --out $(OUT) $$(SKIP)
	@touch $$@

$(foreach kind,proposal action-plan handbook handover,
$(OUT)/$(1)/$(kind).docx: $(call sources_of,$(1)) $(TOOL)
	$(INTERIM) build $(1) --doc $(kind) --out $(OUT) $$(SKIP)
)
endef
$(foreach id,$(ALL_IDS),$(eval $(call assignment_rules,$(id))))

$(KINDS): %: $(INSTALLED)
	@$(MAKE) --no-print-directory $(foreach id,$(IDS),$(call doc_target,$(id),$*))

proposal: ## Build the proposal
action-plan: ## Build the analysis and action plan
handbook: ## Build the assignment handbook (once the action plan is accepted)
progress: ## Build a progress report per evaluation moment held
handover: ## Build the evaluation and handover report

all: $(INSTALLED) ## Build every document each assignment's phase allows
	@$(MAKE) --no-print-directory $(foreach id,$(IDS),$(OUT)/$(id)/.all.stamp)

pdf: $(INSTALLED) ## Build the documents and their PDFs (needs LibreOffice)
	@$(MAKE) --no-print-directory $(foreach id,$(IDS),$(OUT)/$(id)/.pdf.stamp)

validate: $(INSTALLED) ## Check the assignments' sources
	$(INTERIM) validate $(ASSIGNMENT)

# The redline is built on demand (both versions are rendered each time): no stamp.
redline: $(INSTALLED) ## Tracked changes of DOC since FROM: ASSIGNMENT=.. DOC=.. FROM=.. [TO=..]
	@if [ -z "$(ASSIGNMENT)" ] || [ -z "$(DOC)" ] || [ -z "$(FROM)" ]; then \
	  echo "usage: make redline ASSIGNMENT=<id> DOC=<handbook|progress-YYYY-MM-DD|...>" \
	       "FROM=<git revision or version> [TO=<...>]" >&2; exit 2; fi
	$(INTERIM) redline '$(ASSIGNMENT)' '$(DOC)' --from '$(FROM)' $(if $(TO),--to '$(TO)')

test: $(INSTALLED) ## Run the tests (LibreOffice tests skip when soffice is missing)
	$(VENV)/bin/pytest -q

test-long: $(INSTALLED) ## The property-based tests with many more examples
	HYPOTHESIS_PROFILE=long $(VENV)/bin/pytest -q tests/test_hostile.py

lint: $(INSTALLED) ## ruff over the code and the tests
	$(VENV)/bin/ruff check generator tests bench

bench: $(INSTALLED) ## Speed against pandoc, and the build and PDF batch benchmarks
	$(VENV)/bin/python bench/bench_convert.py
	$(VENV)/bin/python bench/bench_build.py
	$(VENV)/bin/python bench/bench_redline.py

clean: ## Remove built documents
	rm -rf $(OUT)
