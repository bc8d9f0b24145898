# dealbot — two set-up commands: `make run` (install + run on embedded defaults), `make test` (install + full suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PG_URL ?= postgresql+asyncpg://postgres@127.0.0.1:5432/test
MYSQL_URL ?= mysql+asyncmy://root@127.0.0.1:3306/test
# pytest-xdist workers: tests wait on real processes, servers and sockets a good part of the time, so one more
# worker than cores keeps both cores busy. Each worker has its own databases, ports and temp dirs.
TEST_WORKERS ?= 3

.PHONY: install run test system-deps postgres mariadb lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -U pip
	$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/dealbot serve

# Debian packages the email tests need (a real Dovecot IMAP/LMTP server, started by the tests themselves).
system-deps:
	@command -v dovecot >/dev/null 2>&1 || test -x /usr/sbin/dovecot || { \
	  echo "installing dovecot-imapd dovecot-lmtpd"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd dovecot-lmtpd >/dev/null; }
# Headless Chromium for the browser tests (tests/browser, driven by playwright's Python package, never
# `playwright install`) and a CJK font so that its screenshots show Chinese.
	@test -x /usr/bin/chromium && fc-list 2>/dev/null | grep -qi "noto sans cjk" || { \
	  echo "installing chromium fonts-noto-cjk"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# PostgreSQL: every storage test runs on SQLite and on PostgreSQL (DEALBOT_TEST_PG_URL).
postgres:
	@pg_isready -q -h 127.0.0.1 -p 5432 || { \
	  command -v pg_ctlcluster >/dev/null 2>&1 && pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  sleep 2; pg_isready -h 127.0.0.1 -p 5432; }

# MariaDB (or MySQL): the third engine of every storage test (DEALBOT_TEST_MYSQL_URL). Started when it
# does not answer: by the service script, else mysqld_safe in the background (both need root).
mariadb:
	@mysqladmin -h 127.0.0.1 -P 3306 -u root --silent ping >/dev/null 2>&1 || { \
	  { service mariadb start >/dev/null 2>&1 || { mysqld_safe >/dev/null 2>&1 & }; }; \
	  for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do \
	    mysqladmin -h 127.0.0.1 -P 3306 -u root --silent ping >/dev/null 2>&1 && break; sleep 1; done; \
	  mysqladmin -h 127.0.0.1 -P 3306 -u root ping; }

test: install system-deps postgres mariadb
	DEALBOT_TEST_PG_URL=$${DEALBOT_TEST_PG_URL:-$(PG_URL)} DEALBOT_TEST_MYSQL_URL=$${DEALBOT_TEST_MYSQL_URL:-$(MYSQL_URL)} \
	  $(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist worksteal --durations=30

lint: install
	$(BIN)/ruff check bot connectors domain storage scheduler tests bench
	$(BIN)/mypy bot connectors domain storage scheduler bench

bench: install
	$(BIN)/python bench/console_path.py
	$(BIN)/python bench/nlp.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
