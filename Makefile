# The few commands people type. `make sheet` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# axe-core, run in the browser by the web page's tests
AXE := node_modules/axe-core/axe.min.js

.PHONY: sheet test bench serve wheel clean system-libs

sheet: $(STAMP)
	$(BIN)/sheets make examples/NCT07632209.json -o out/NCT07632209.pdf

test: $(STAMP) $(AXE)
	$(BIN)/ruff check sheets tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/render_speed.py
	$(BIN)/python benchmarks/batch_speed.py
	$(BIN)/python benchmarks/web_speed.py

# The web page on http://127.0.0.1:8000/ (Ctrl-C stops it).
serve: $(STAMP)
	$(BIN)/sheets serve

wheel: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps -w dist .

$(STAMP): pyproject.toml | system-libs
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# WeasyPrint draws text with Pango and subsets fonts fast with HarfBuzz-Subset, and the web
# page's tests drive Debian's chromium (Debian packages). Install whichever is missing; a
# machine that has them all skips this.
SYSTEM_LIBS := libpangoft2-1.0.so.0:libpangoft2-1.0-0 libharfbuzz-subset.so.0:libharfbuzz-subset0
SYSTEM_PROGRAMS := /usr/bin/chromium:chromium
system-libs:
	@missing=""; for pair in $(SYSTEM_LIBS); do \
		ldconfig -p | grep -q "$${pair%%:*}" || missing="$$missing $${pair##*:}"; \
	done; \
	for pair in $(SYSTEM_PROGRAMS); do \
		[ -x "$${pair%%:*}" ] || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages (WeasyPrint's libraries, the tests' browser):$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

# axe-core from npm, at the version package-lock.json pins, into node_modules/ here.
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --no-audit --no-fund --silent && touch $(AXE); \
	else \
		echo "npm is missing: the accessibility test is skipped (and fails under CI=true)"; \
	fi

clean:
	rm -rf $(VENV) out dist build .pytest_cache node_modules
