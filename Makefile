# Everyday verbs. Every target runs through uv against the committed lock.
SHELL := /bin/bash
UV ?= uv
PY := $(UV) run --locked python
PORT ?= 8000
POSTS ?= 50
SEED ?= 1

.PHONY: install run test test-quick test-durations test-coverage lint fmt seed bench bench-propagation loadtest chart-test chart-sync deploy-lint \
	grafana-schema infra-check backup restore contract-install axe-install contract-test

# Bytecode is compiled once here (half a second when it is current): where the environment
# sets PYTHONDONTWRITEBYTECODE, every process (each test worker, gunicorn worker and
# manage.py command the tests start) otherwise compiles its ~1,800 imported modules
# from source again, about a second of CPU each.
SOURCES := cms serving blog api cachetags propagation tests loadtests

install: ## Create .venv from uv.lock (installs uv first if missing)
	@command -v $(UV) >/dev/null || { python3 -m pip install --quiet "uv==0.13.9" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "uv==0.13.9"; }
	$(UV) sync --locked --compile-bytecode
	@$(PY) -m compileall -q -j 0 $(SOURCES) manage.py >/dev/null

run: install ## Embedded default: SQLite, local cache, demo content, admin login printed
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo --posts $(POSTS) --seed $(SEED)
	DJANGO_DEBUG=1 $(PY) manage.py ensure_admin
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# pytest-xdist workers (TEST_WORKERS=auto: one per core). Three by default: the suite
# waits on servers, subprocesses and browsers, so more workers than cores help, but each
# worker's start-up and contention cost CPU. On 2 cores (2026-12-01, PostgreSQL + Redis)
# the whole suite took 333 s with 3 workers against 348 s with 4; 668 of its tests took
# 155 s with 2 or 3 workers, 169 s with 4 and 181 s with 6. --dist loadfile keeps a
# module's tests on one worker, so a module's live server and once-built data serve them
# all; --no-loadscope-reorder keeps the longest-first order of tests/durations.py. Each
# worker has its own test database and cache key prefix (tests/conftest.py).
TEST_WORKERS ?= 3
PYTEST := $(UV) run --locked pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test: install ## The whole suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set); the TypeScript contract too when node is installed
	@if command -v node >/dev/null; then $(MAKE) --no-print-directory contract-install axe-install; fi
	$(PYTEST)

# Without the servers and tools the quick suite is database work that keeps every core
# busy: one worker per core beats four (2 cores, 2026-11-30: 2 min 58 s against 3 min 25 s).
QUICK_WORKERS ?= auto

test-quick: install ## The suite without the slow integration tests
	$(UV) run --locked pytest -n $(QUICK_WORKERS) --dist loadfile --no-loadscope-reorder -m "not slow"

test-durations: install ## The whole suite, recording each module's seconds in tests/durations.json (the order make test runs them in)
	$(PYTEST) --store-durations

test-coverage: install ## The whole suite with a line coverage report of the product's packages
	$(PYTEST) --cov=cms --cov=serving --cov=blog --cov=cachetags --cov=api --cov=propagation --cov-report=term

lint: install
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .
	$(UV) run --locked bandit -r cms serving blog api cachetags propagation -ll -q

fmt: install
	$(UV) run --locked ruff check --fix .
	$(UV) run --locked ruff format .

contract-install: ## The TypeScript contract's npm packages, from contract/package-lock.json
	@test -f contract/node_modules/.package-lock.json || (cd contract && npm ci --no-audit --no-fund)

axe-install: ## axe-core for the browser tests' accessibility checks, from tests/browser/axe/package-lock.json
	@test -f tests/browser/axe/node_modules/.package-lock.json || npm ci --prefix tests/browser/axe --no-audit --no-fund --silent

contract-test: install contract-install ## Types from /api/v2/schema/ + a strict tsc consumer, run against a live gunicorn (needs node)
	$(UV) run --locked pytest tests/api/test_typescript_contract.py

USERS ?= 50
SECONDS ?= 20

loadtest: install ## Locust personas against gunicorn on PostgreSQL+Redis with 10,000 posts: make loadtest USERS=50 SECONDS=20
	$(PY) loadtests/run.py $(USERS) $(SECONDS)

bench: install ## Stock Wagtail vs this project (cold, warm) vs a trivial view; appends to loadtests/RESULTS.md
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; }
	$(PY) loadtests/bench.py
	$(PY) loadtests/propagation_bench.py

bench-propagation: install ## Only the cold storm, publish → delivered and warm-hit scenarios (a few minutes)
	@command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk; }
	$(PY) loadtests/propagation_bench.py

# Backups: the configured database (pg_dump, or SQLite's online backup) plus local media, with a
# checksummed manifest (serving/backup.py). A restore goes only into an empty database.
BACKUP_DIR ?= backups/$(shell date -u +%Y%m%dT%H%M%SZ)
backup: install ## Back up the database and local media: make backup [BACKUP_DIR=backups/x]
	$(PY) manage.py backup --to $(BACKUP_DIR)

restore: install ## Restore into an empty database and media root: make restore BACKUP_DIR=backups/x
	@test -d "$(BACKUP_DIR)" || { echo "BACKUP_DIR=$(BACKUP_DIR) is not a backup directory" >&2; exit 2; }
	$(PY) manage.py restore --from $(BACKUP_DIR)

seed: install ## Seed demo content into the configured database
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo --posts $(POSTS) --seed $(SEED)

# JSON Schema of Grafana dashboards, generated from Grafana's own TypeScript types (no
# Grafana server exists to import into); tests/observability/test_dashboard.py checks
# observability/dashboards/blog.json against it. Cached in .cache/grafana/.
GRAFANA_SCHEMA_DIR := .cache/grafana
grafana-schema: ## Generate the Grafana dashboard JSON Schema (npm, ~20 s once)
	@test -f $(GRAFANA_SCHEMA_DIR)/dashboard.schema.json || ( \
	  mkdir -p $(GRAFANA_SCHEMA_DIR) && cd $(GRAFANA_SCHEMA_DIR) && \
	  echo '{"private": true}' > package.json && \
	  npm install --no-audit --no-fund --silent \
	    @grafana/schema@13.2.3 ts-json-schema-generator@2.4.0 typescript@7.0.2 && \
	  npx ts-json-schema-generator --no-type-check --type Dashboard \
	    --path node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen.d.ts \
	    -o dashboard.schema.json )

chart-sync: install ## Copy dashboard, alert rules and collector config from observability/ into the chart
	$(PY) charts/sync_observability.py

chart-test: install ## Helm lint/render/schema, Kubernetes schemas (EKS 1.31-1.34), Dockerfile and workflow lint
	$(PY) charts/sync_observability.py --check
	$(UV) run --locked pytest tests/chart tests/deploy

deploy-lint: install ## hadolint, the GitHub workflow schema, actionlint and shellcheck (workflows and .github/scripts)
	$(UV) run --locked hadolint Dockerfile
	$(UV) run --locked check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(UV) run --locked actionlint
	shellcheck .github/scripts/*.sh

# The CDK app has its own lock (infra/uv.lock): aws-cdk-lib and the jsii runtime are 600 MB
# that the app and its tests never need. Synth runs offline (no lookups, no CLI notices).
INFRA_ENV := JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20 CDK_DISABLE_VERSION_CHECK=true \
	CDK_DISABLE_CLI_TELEMETRY=true
infra-check: ## AWS CDK app (infra/): synth with cdk-nag, cfn-lint on the templates, stack tests
	@command -v $(UV) >/dev/null || { python3 -m pip install --quiet "uv==0.13.9" 2>/dev/null || python3 -m pip install --quiet --break-system-packages "uv==0.13.9"; }
	cd infra && $(UV) sync --locked
	cd infra && $(INFRA_ENV) $(UV) run --locked python app.py
	cd infra && $(UV) run --locked cfn-lint cdk.out/*.template.json
	cd infra && $(INFRA_ENV) $(UV) run --locked pytest -q
