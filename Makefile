# jixiao: make setup | run | test | lint | bench
# setup is idempotent and quick when everything is there: system tools only when missing,
# pip only when the lock changed (stamp file). The venv gets exactly requirements.lock, then the
# project itself without dependencies; `make lock` re-resolves the lock from pyproject.toml.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
LOCK := requirements.lock
LOCK_VENV := .lock-venv
APT := DEBIAN_FRONTEND=noninteractive apt-get
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system-tools lock run test lint bench clean

setup: system-tools $(STAMP)

system-tools:
	@missing=""; \
	if ! tesseract --list-langs 2>/dev/null | grep -qx chi_sim; then missing="$$missing tesseract-ocr tesseract-ocr-chi-sim"; fi; \
	if [ ! -x /usr/bin/chromium ]; then missing="$$missing chromium"; fi; \
	if ! fc-list :lang=zh 2>/dev/null | grep -q .; then missing="$$missing fonts-wqy-microhei"; fi; \
	if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then missing="$$missing python3-venv"; fi; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		$(SUDO) $(APT) update -qq && $(SUDO) $(APT) install -y -qq $$missing; \
	fi

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# --no-deps on the project: everything it needs comes from the lock, so what runs is what was locked.
$(STAMP): $(LOCK) pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q -r $(LOCK)
	$(VENV)/bin/pip install -q --no-deps -e .
	$(VENV)/bin/pip check
	touch $(STAMP)

# Re-resolve every dependency (runtime + dev) to its newest version allowed by pyproject.toml, for
# this machine's python3 (CI's: 3.11). pip-tools lives in its own venv so it is not in the lock.
# No index or find-links lines: the lock names PyPI packages only, whatever pip.conf adds locally.
lock:
	[ -x $(LOCK_VENV)/bin/pip-compile ] || { $(PYTHON) -m venv $(LOCK_VENV) && $(LOCK_VENV)/bin/pip install -q pip-tools; }
	$(LOCK_VENV)/bin/pip-compile --quiet --upgrade --extra dev --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links --no-emit-trusted-host --output-file $(LOCK) pyproject.toml

run: setup
	$(VENV)/bin/jixiao extract data/raw --out data/clean

test: setup
	$(VENV)/bin/python -m pytest -q

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(VENV)/bin/jixiao bench

clean:
	rm -rf data/clean/*.csv data/clean/*.parquet data/clean/run.json data/cache
