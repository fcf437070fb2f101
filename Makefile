# The few commands people type. `make sheet` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: sheet test bench wheel clean system-libs

sheet: $(STAMP)
	$(BIN)/sheets make examples/NCT07632209.json -o out/NCT07632209.pdf

test: $(STAMP)
	$(BIN)/ruff check sheets tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/render_speed.py
	$(BIN)/python benchmarks/batch_speed.py

wheel: $(STAMP)
	$(BIN)/python -m pip wheel --no-deps -w dist .

$(STAMP): pyproject.toml | system-libs
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# WeasyPrint draws text with Pango and subsets fonts fast with HarfBuzz-Subset (Debian
# packages). Install whichever is missing; a machine that has both skips this.
SYSTEM_LIBS := libpangoft2-1.0.so.0:libpangoft2-1.0-0 libharfbuzz-subset.so.0:libharfbuzz-subset0
system-libs:
	@missing=""; for pair in $(SYSTEM_LIBS); do \
		ldconfig -p | grep -q "$${pair%%:*}" || missing="$$missing $${pair##*:}"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system libraries WeasyPrint needs:$$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing; \
	fi

clean:
	rm -rf $(VENV) out dist build .pytest_cache
