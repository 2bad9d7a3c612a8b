# Relief: `make demo` and `make test` work on a fresh machine (see README.md).
SHELL := /bin/bash
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
# Debian packages WeasyPrint and Chinese PDFs need, gettext for translations, poppler for tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils gettext

.PHONY: demo test setup system-packages venv db messages static fonts lint pytest serve browser clean

demo: setup db
	$(BIN)/python manage.py seed_demo
	@echo "Serving http://127.0.0.1:$(PORT)/  (Ctrl-C to stop; background jobs: '$(BIN)/python manage.py db_worker')"
	$(BIN)/python manage.py db_worker --interval 1 & trap 'kill %1 2>/dev/null' EXIT; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: setup lint pytest

setup: system-packages venv fonts messages static

system-packages:
	@bash scripts/ensure-system-packages.sh $(SYSTEM_PACKAGES)

venv: $(STAMP)

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	set -o pipefail; $(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt 2>&1 \
		| { grep -v "^WARNING: Location 'file:" || true; }
	@touch $(STAMP)

messages: venv
	@if find . -path ./.venv -prune -o -name '*.po' -print | grep -q .; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv -v 0; fi

static: venv
	$(BIN)/python manage.py collectstatic --noinput -v 0

# The Chinese faces cut down for the PDFs (core/font_subsets.py): ~45 s once, then a no-op.
fonts: venv system-packages
	$(BIN)/python manage.py prepare_fonts

db: venv
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v 0

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run -v 0

pytest: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

browser:
	@bash scripts/ensure-system-packages.sh chromium

clean:
	rm -rf $(VENV) var staticfiles
