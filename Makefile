# 科创云 Kechuang — `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
KC := $(VENV)/bin/kechuang
VENDOR := kechuang/static/vendor
APT_PACKAGES := chromium fonts-wqy-microhei fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils postgresql-client
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000
# Python writes its bytecode (__pycache__, ignored by git): with PYTHONDONTWRITEBYTECODE set,
# as on our machines, every process compiled every module it imports again (3.7 against
# 1.9 CPU s to start Django; `make test` starts some fifty Python processes).
unexport PYTHONDONTWRITEBYTECODE
# Seconds `make install` waits for another apt/dpkg process to release the package lock.
APT_LOCK_WAIT ?= 600

.PHONY: install install-apt install-python install-assets run serve test lint test-sqlite test-postgres demo bench screenshots clean reset

install: install-apt install-python install-assets ## everything the app and the tests need

install-apt: ## Debian packages: Chromium for browser tests, a CJK font for screenshots
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "apt-get install$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  if fuser /var/lib/dpkg/lock-frontend /var/lib/apt/lists/lock >/dev/null 2>&1; then \
	    echo "另一个 apt/dpkg 进程正在运行，等待其释放软件包锁（最多 $(APT_LOCK_WAIT) 秒）…"; \
	  fi; \
	  $$SUDO apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_WAIT) update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_WAIT) install -y -qq $$missing >/dev/null; \
	fi

$(VENV)/bin/uv:
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check uv

$(VENV)/.installed: requirements.lock pyproject.toml | $(VENV)/bin/uv
	$(VENV)/bin/uv pip install -q -p $(PY) -r requirements.lock
	$(VENV)/bin/uv pip install -q -p $(PY) --no-deps -e .
	touch $@

install-python: $(VENV)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bootstrap $(VENDOR)/bootstrap-icons/fonts $(VENDOR)/echarts $(VENDOR)/htmx $(VENDOR)/swagger-ui
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/css/bootstrap.min.css.map \
	   node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/dist/js/bootstrap.bundle.min.js.map $(VENDOR)/bootstrap/
	cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css $(VENDOR)/bootstrap-icons/
	cp node_modules/bootstrap-icons/font/fonts/* $(VENDOR)/bootstrap-icons/fonts/
	cp node_modules/echarts/dist/echarts.min.js $(VENDOR)/echarts/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp node_modules/swagger-ui-dist/swagger-ui.css* node_modules/swagger-ui-dist/swagger-ui-bundle.js* \
	   node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js* $(VENDOR)/swagger-ui/
	touch $@

install-assets: $(VENDOR)/.installed

run: install ## migrate, load the demo county if empty, serve on 127.0.0.1:8000 (+ the job worker)
	$(KC) migrate --noinput
	$(KC) demo --if-empty
	$(KC) serve --host $(HOST) --port $(PORT)

demo: install
	$(KC) migrate --noinput
	$(KC) demo

lint: install-python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy kechuang
	$(PY) -m kechuang.rules docs --check
	$(KC) makemigrations --check --dry-run

test-sqlite: install
	$(VENV)/bin/pytest -n 2 -p no:cacheprovider

test-postgres: install
	@if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || $(PY) -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1',5432)))"; then \
	  echo "PostgreSQL answers on 127.0.0.1:5432: running the suite on it"; \
	  KECHUANG_TEST_DATABASE_URL=$(PG_URL) $(VENV)/bin/pytest -n 2 -p no:cacheprovider -m "not browser and not nodb"; \
	else echo "PostgreSQL not reachable on 127.0.0.1:5432: skipped"; fi

# Lint, the SQLite pass and the PostgreSQL pass, one after another (tests/run_all.py: on
# two cores, side by side was slower); `make test PARALLEL=1` runs them side by side.
test: install ## lint + the whole suite on SQLite and, when the server answers, on PostgreSQL
	$(PY) tests/run_all.py --pg-url $(PG_URL) $(if $(PARALLEL),--parallel)

screenshots: install ## every page as every demo login in Chromium, first screens under var/screenshots/walk/
	KECHUANG_WALK_SHOTS=1 $(VENV)/bin/pytest -n 2 -p no:cacheprovider -q tests/browser/test_walk.py

bench: install
	$(PY) bench/import.py

reset: ## forget this instance: its database, the demo's "today", job files (all under var/)
	rm -rf var

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/static
