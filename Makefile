# Training CRM — see README.md. Every target sets up what it needs.
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: run serve backup restore test lint format setup setup-venv readme i18n bench screenshots clean faults load

run: ## set up everything and serve Odoo on http://127.0.0.1:8069 (admin / admin)
	scripts/run.sh

test: setup-venv ## lint, and the whole suite against a throwaway database (lint runs beside its installation)
	scripts/test.sh

lint: setup-venv ## ruff and pylint-odoo
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pylint --rcfile=.pylintrc training_crm training_crm_reports training_crm_helpdesk

format: setup-venv
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

setup: ## install Debian packages, PostgreSQL, the venv and Odoo without running anything
	bash -c 'source scripts/lib.sh && setup_all'

setup-venv:
	bash -c 'source scripts/lib.sh && ensure_apt && ensure_odoo && ensure_venv'

readme: ## rebuild each addon's README.rst from readme/*.md
	$(PY) scripts/addon_readme.py

clean: ## remove generated files (not the cache of Odoo, not databases); refused where `make serve` ran unless FORCE=1
	@if [ -f .local/odoo-serve.conf ] && [ -z "$(FORCE)" ]; then \
		echo "make clean: .local holds a production server's filestore, backups and master password (make serve); FORCE=1 to remove it anyway"; exit 1; fi
	rm -rf build dist *.egg-info .local

i18n: setup ## re-export .pot files from a scratch database and merge them into zh_CN/zh_TW
	scripts/i18n.sh

bench: setup ## stock crm vs training_crm on a school-chain data set, then commission statements: make bench [LEADS=200000] [FOLLOWUPS=970000] [CONSULTANTS=300] [ENROLMENTS=50000] [HISTORY=0] [ONLY=commissions|kpis|reclaim] [ENROL_DAYS=0]
	BENCH_LEADS=$(LEADS) BENCH_FOLLOWUPS=$(FOLLOWUPS) BENCH_ONLY=$(ONLY) BENCH_CONSULTANTS=$(CONSULTANTS) BENCH_ENROLMENTS=$(ENROLMENTS) BENCH_HISTORY=$(HISTORY) BENCH_ENROL_DAYS=$(ENROL_DAYS) scripts/bench.sh

screenshots: setup ## refresh docs/*.png from headless Chromium on the demo database, each role's screens: make screenshots [ONLY="pipeline dispute"] [FRESH=1]
	SCREENSHOTS_ONLY="$(ONLY)" SCREENSHOTS_FRESH=$(FRESH) scripts/screenshots.sh

serve: ## production: prefork workers, a cron worker, behind a reverse proxy (deploy/): make serve [DB=training_crm] [WORKERS=2×cores+1]
	$(if $(DB),ODOO_DB=$(DB)) $(if $(WORKERS),WORKERS=$(WORKERS)) scripts/serve.sh

load: setup ## a school's day against make serve's workers, 2 then 5 (not in make test): make load [WORKERS="2 5"] [SECONDS=300] [CONSULTANTS=50] [SUPERVISORS=5]
	$(if $(WORKERS),LOAD_WORKERS="$(WORKERS)") $(if $(SECONDS),LOAD_SECONDS=$(SECONDS)) $(if $(CONSULTANTS),LOAD_CONSULTANTS=$(CONSULTANTS)) $(if $(SUPERVISORS),LOAD_SUPERVISORS=$(SUPERVISORS)) scripts/load.sh

faults: setup ## scripted fault runs (not in make test): the reclaim killed mid-batch; a worker killed while logging follow-ups, PostgreSQL restarted, under load: make faults [FAULT="cron worker database"] [TEMPLATE=training_crm_bench_addon_10k]
	set -e; for fault in $(or $(FAULT),cron worker database); do \
		if [ "$$fault" = cron ]; then \
			bash -c 'source scripts/lib.sh && setup_all && "$$PY" scripts/faults.py "$$ODOO_CONF" cron $(if $(TEMPLATE),--template $(TEMPLATE))'; \
		else \
			LOAD_FAULT=$$fault LOAD_WORKERS=4 LOAD_SECONDS=$(or $(SECONDS),120) scripts/load.sh; \
		fi; \
	done

backup: ## Odoo's dump of a database and its filestore: make backup DB=name [FILE=.local/backups/name-<time>.zip]
	@test -n "$(DB)" || { echo "make backup DB=name [FILE=...]"; exit 2; }
	scripts/backup.sh backup "$(DB)" $(if $(FILE),"$(FILE)")

restore: ## restore a dump into a new database: make restore DB=name FILE=dump.zip [FORCE=1 replaces an existing one]
	@test -n "$(DB)" -a -n "$(FILE)" || { echo "make restore DB=name FILE=dump.zip [FORCE=1]"; exit 2; }
	scripts/backup.sh restore "$(DB)" "$(FILE)"
