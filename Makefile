# Quick start: `make dossier` builds the brief, `make test` runs the tests.
# Both set everything up on a fresh clone: Debian packages (as root), .venv, the package.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT := build

INPUTS := brief.yaml $(wildcard evidence/*.yaml seeds/* catalog/*.yaml) \
	$(wildcard dossier/*.py dossier/*/*.py dossier/templates/*.* dossier/templates/fonts/* dossier/data/*)

.PHONY: dossier test lint validate setup clean bench schema golden mutation fuzz

dossier: $(OUT)/dossier.pdf

$(OUT)/dossier.pdf: $(STAMP) $(INPUTS)
	$(BIN)/dossier build --out $(OUT)

# The PDF, HTML and JSON are written together; the PDF stands for all three.
$(OUT)/dossier.html $(OUT)/dossier.json: $(OUT)/dossier.pdf

validate: $(STAMP)
	$(BIN)/dossier validate

test: $(STAMP) lint
	./scripts/system-deps test
	./scripts/browser-deps
	$(BIN)/python -m pytest

# The gate: style and mistakes (ruff), types (mypy --strict on the package).
lint: $(STAMP)
	$(BIN)/ruff check dossier tests bench
	$(BIN)/mypy

# Mutation testing of the passage check (dossier/passage.py) against its tests; about 15 minutes.
mutation: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results

# The attack suite at length: 5,000 mutants through validate and 1,000 through diff and stats (about 45
# minutes), and 100 kills of builds at random moments. Failures are kept, minimised, under FUZZ_OUT.
FUZZ_OUT ?= /tmp/dossier-fuzz
fuzz: $(STAMP)
	$(BIN)/python -m tests.fuzz.run --seed 1 --mutants 5000 --commands validate --out $(FUZZ_OUT)/validate; v=$$?; \
	$(BIN)/python -m tests.fuzz.run --seed 1 --mutants 1000 --commands diff,stats --out $(FUZZ_OUT)/review; r=$$?; \
	DOSSIER_KILLS=100 $(BIN)/python -m pytest -q tests/test_reliability.py -k killed; k=$$?; \
	test $$v -eq 0 && test $$r -eq 0 && test $$k -eq 0

# The benchmark (bench/run.py, figures in bench/results/): RECORDS through validate and the HTML and JSON build,
# PDFs up to PDF_MAX records, the PDF experiments on a brief of EXPERIMENTS records (0: none). The defaults are
# the run the README quotes; smaller: make bench RECORDS=100,1000 PDF_MAX=0 EXPERIMENTS=0
RECORDS ?= 100,1000,10000,50000
PDF_MAX ?= 1000
EXPERIMENTS ?= 100
bench: $(STAMP)
	$(BIN)/python bench/run.py --records $(RECORDS) --pdf-max $(PDF_MAX) --experiments $(EXPERIMENTS)

schema: $(STAMP)
	$(BIN)/dossier schema

# Refresh the golden HTML and JSON (tests/fixtures/golden) after an intended change to the brief; commit them.
golden: $(STAMP)
	DOSSIER_REFRESH_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/system-deps
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (set PYTHON=...)" >&2; exit 1; }
	./scripts/system-deps build
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

clean:
	rm -rf $(OUT)
