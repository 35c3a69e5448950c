#!/usr/bin/env bash
# Run a command against PostgreSQL. Uses $DATABASE_URL when it names a PostgreSQL server;
# otherwise starts a throw-away cluster with initdb/pg_ctl in a temporary folder and stops and
# removes it afterwards, whatever the command's outcome.
set -euo pipefail
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  echo "== PostgreSQL: using DATABASE_URL from the environment"
  exec "$@"
fi
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
if [[ -z "$PGBIN" || ! -x "$PGBIN/initdb" ]]; then
  if [[ $(id -u) == 0 ]]; then
    echo "== PostgreSQL server binaries missing: installing Debian's postgresql"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    echo "!! PostgreSQL server binaries not found and not root: cannot run the PostgreSQL suite" >&2
    exit 1
  fi
fi
PGPORT=${PGPORT:-55432}
PGDATA=$(mktemp -d /tmp/ecozone-pg.XXXXXX)
RUN=()
if [[ $(id -u) == 0 ]]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$PGDATA"
  RUN=(runuser -u postgres --)
fi
chmod 700 "$PGDATA"
cleanup() {
  "${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PGDATA"
}
trap cleanup EXIT
"${RUN[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${RUN[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w start \
  -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
echo "== PostgreSQL: throw-away cluster on 127.0.0.1:$PGPORT ($("$PGBIN/postgres" --version))"
export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
"$@"
