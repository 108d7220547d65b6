# jixiao: make setup | run | test | lint | bench
# setup is idempotent and quick when everything is there: system tools only when missing,
# pip only when pyproject.toml changed (stamp file).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-stamp
APT := DEBIAN_FRONTEND=noninteractive apt-get
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup system-tools run test lint bench clean

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

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $(STAMP)

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
