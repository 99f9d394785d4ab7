# `make run` and `make test` work on a fresh Debian machine with nothing
# installed by hand: they install what is missing, then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
# Debian packages: gettext compiles the Chinese translation; the browser tests
# need chromium and a CJK font (without one every Chinese character is a box).
RUN_PACKAGES := gettext
# The slow tests print the Excel exports and the circular (.docx) to PDF with
# LibreOffice's headless Calc and Writer and read the pages with poppler (pdfinfo,
# pdftotext, pdftoppm).
TEST_PACKAGES := gettext chromium fonts-noto-cjk libreoffice-calc-nogui libreoffice-writer-nogui \
	poppler-utils
# The accessibility test injects axe-core, pinned in package-lock.json and
# installed by npm (Debian's npm, unless the machine's Node.js brings its own).
NPM_INSTALLED := node_modules/.installed
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint check-deploy bench system-run system-test messages postgres clean

run: system-run $(INSTALLED) messages
	DJANGO_DEBUG=1 $(MANAGE) migrate --no-input
	DJANGO_DEBUG=1 $(MANAGE) seed_demo
	DJANGO_DEBUG=1 $(MANAGE) runserver 127.0.0.1:8000

test: system-test $(INSTALLED) $(NPM_INSTALLED) messages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

$(INSTALLED): requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --requirement requirements.txt
	touch $@

$(NPM_INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# Install only what is missing, so a machine that has it all needs no root.
system-run:
	@missing=""; for p in $(RUN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

system-test:
	@missing=""; for p in $(TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; fi

messages: $(INSTALLED)
	DJANGO_DEBUG=1 $(MANAGE) compilemessages --ignore=.venv -v0

# PostgreSQL for the suite in CI: installed and started here, used through DATABASE_URL.
postgres:
	@dpkg -s postgresql >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; }
	@pg_lsclusters -h | grep -q online || pg_ctlcluster $$(pg_lsclusters -h | awk 'NR==1{print $$1, $$2}') start
	@su postgres -c "psql -tAc \"SELECT 1 FROM pg_roles WHERE rolname='luoshan'\"" | grep -q 1 || \
	  su postgres -c "psql -c \"CREATE ROLE luoshan LOGIN CREATEDB PASSWORD 'luoshan'\""

check-deploy: $(INSTALLED)
	DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-secret-value-0123456789 \
	  DJANGO_ALLOWED_HOSTS=fanzha.example.gov.cn $(MANAGE) check --deploy --fail-level WARNING

# Each goal of issue 11, measured on a synthetic city or province (bench/README.md):
# SQLite under bench/out/, or PostgreSQL when DATABASE_URL is set. Exits 1 on a miss.
BENCH_SCRIPTS := score_quarter quarter_page photo_pipeline export_activities export_month staff_pages admin_pages deadline_day evidence_check publishing_pages
bench: $(INSTALLED)
	@status=0; for script in $(BENCH_SCRIPTS); do \
	  $(BIN)/python -m bench.$$script || status=1; done; exit $$status

clean:
	rm -rf $(VENV) node_modules staticfiles media db.sqlite3
