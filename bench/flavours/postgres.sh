# shellcheck shell=bash disable=SC2034  # DATASET and LOGICAL_LABEL are the driver's to read
# The PostgreSQL side of bench/snapshot.sh (FLAVOUR=postgres, sourced by it): a pgbench database, the manual
# cluster (pg_ctl on a copy of the data directory, with its own port and socket directory), pgbench changes, and
# the logical baseline (pg_dump -Fc of the base once; per run dropdb + createdb + pg_restore -j 2).
# Uses the driver's DSPACE, SCALE, MANUAL; defines what bench/flavours/mysql.sh defines.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
DATASET="pgbench -s $SCALE"
LOGICAL_LABEL="dropdb + createdb + pg_restore -j 2"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# flavour_setup: creates space b, fills it with pgbench -s SCALE, and picks the manual cluster's port.
flavour_setup() {
    "$DSPACE" create b --flavour postgres >/dev/null
    eval "$("$DSPACE" env b)"   # PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE: also valid on the manual copy
    DSPACE_PORT=$PGPORT
    MANUAL_PORT=$((PGPORT + 1))
    pgbench -i -s "$SCALE" -q >/dev/null 2>&1
}
# manual_prepare: nothing to prepare: the copied postgresql.conf serves, with port and sockets given at start.
manual_prepare() { :; }
manual_start() {
    as_pg "$PGBIN/pg_ctl" -D "$MANUAL/data" -o "-p $MANUAL_PORT -k $MANUAL/run -c listen_addresses=127.0.0.1" \
        -l "$MANUAL/log" -w start
}
manual_stop() { as_pg "$PGBIN/pg_ctl" -D "$MANUAL/data" -m immediate -w stop; }
# manual_kill: stops the manual cluster if it runs (cleanup; errors are the caller's to ignore).
manual_kill() { [ -d "$MANUAL/data" ] && as_pg "$PGBIN/pg_ctl" -D "$MANUAL/data" -m immediate stop; }

# change TARGET KIND: applies one change to the server of TARGET (dspace or manual); changes only, durability is
# not what is measured.
change() {
    local port kind=$2
    case $1 in dspace) port=$DSPACE_PORT ;; manual) port=$MANUAL_PORT ;; esac
    export PGOPTIONS="-c synchronous_commit=off"
    case $kind in
        none) ;;
        txn1k) PGPORT=$port pgbench -n -c 2 -j 2 -t 500 >/dev/null 2>&1 ;;
        txn10k) PGPORT=$port pgbench -n -c 2 -j 2 -t 5000 >/dev/null 2>&1 ;;
        rewrite) PGPORT=$port psql -qAtc "update pgbench_accounts set abalance = abalance + 1" >/dev/null ;;
    esac
    unset PGOPTIONS
}

# logical_dump: the logical baseline's "snapshot": a custom-format dump of the manual cluster's database (in its base state).
logical_dump() { PGPORT=$MANUAL_PORT "$PGBIN/pg_dump" -Fc -f "$MANUAL/base.dump"; }
# logical_restore: the logical baseline's rollback: drop the database (disconnecting its sessions), create it anew
# and restore the dump into it with 2 jobs.
logical_restore() {
    PGPORT=$MANUAL_PORT "$PGBIN/dropdb" --force "$PGDATABASE"
    PGPORT=$MANUAL_PORT "$PGBIN/createdb" "$PGDATABASE"
    PGPORT=$MANUAL_PORT "$PGBIN/pg_restore" -j 2 -d "$PGDATABASE" "$MANUAL/base.dump"
}
