# shellcheck shell=bash disable=SC2034  # DATASET and LOGICAL_LABEL are the driver's to read
# The MariaDB side of bench/snapshot.sh (FLAVOUR=mysql, sourced by it): a sysbench database, the manual server
# (mariadbd as user mysql on a copy of the datadir, with the space's own settings but its own port, socket, pid
# file and tmpdir), sysbench changes, and the logical baseline (mariadb-dump of the base once; per run drop and
# create the database and load the dump with the mariadb client).
# Uses the driver's DSPACE, DSPACE_HOME, SCALE, MANUAL; defines what bench/flavours/postgres.sh defines.
#
# Dataset: pgbench -s SCALE's pgbench_accounts has SCALE * 100,000 rows; here as many rows are spread over
# SYSBENCH_TABLES sysbench tables (id, k indexed, c char(120), pad char(60): about twice pgbench's row width).
# Changes: sysbench oltp_write_only transactions (per transaction: an update of an indexed and one of a
# non-indexed column, a delete and an insert: like pgbench's three updates and an insert, without the 14 reads
# of oltp_read_write), and a full-table rewrite (every row's pad, not indexed, like pgbench_accounts' abalance).
SYSBENCH_TABLES=${SYSBENCH_TABLES:-4}
SYSBENCH_ROWS=$((SCALE * 100000 / SYSBENCH_TABLES))
DATASET="sysbench $SYSBENCH_TABLES tables x $SYSBENCH_ROWS rows (pgbench -s $SCALE's row count)"
LOGICAL_LABEL="drop + create database + mariadb < mariadb-dump"
MARIADBD=$(command -v mariadbd || echo /usr/sbin/mariadbd)
MANUAL_PID=

# socket_of TARGET: the Unix socket of the server of TARGET (dspace or manual); both are reached as root over it,
# which has no password there (dspace's administrative account), so no password is on any command line.
socket_of() { case $1 in dspace) echo "$DSPACE_SOCKET" ;; manual) echo "$MANUAL/run/mysqld.sock" ;; esac; }
# as_root TARGET CLIENT ARGS...: runs a MariaDB client program (mariadb, mariadb-admin, mariadb-dump) as root on TARGET's socket.
as_root() { local socket; socket=$(socket_of "$1"); "$2" --no-defaults --socket="$socket" --user=root "${@:3}"; }
# on_sysbench TARGET ARGS...: runs sysbench oltp_write_only on TARGET's database with the dataset's tables.
on_sysbench() {
    local socket; socket=$(socket_of "$1")
    sysbench oltp_write_only --db-driver=mysql --mysql-socket="$socket" --mysql-user=root --mysql-db="$DB" \
        --tables="$SYSBENCH_TABLES" --table-size="$SYSBENCH_ROWS" "${@:2}"
}

# flavour_setup: creates space b and fills it with the sysbench tables.
flavour_setup() {
    command -v sysbench >/dev/null || { echo "FLAVOUR=mysql needs sysbench (apt-get install sysbench)" >&2; return 1; }
    "$DSPACE" create b --flavour mysql >/dev/null
    local env; env=$("$DSPACE" env b)
    DB=$(sed -n "s/^export MYSQL_DATABASE='\(.*\)'$/\1/p" <<<"$env")
    DSPACE_SOCKET=$(sed -n "s/^export MYSQL_HOME='\(.*\)'$/\1/p" <<<"$env")/mysqld.sock
    MANUAL_PORT=$(( $(sed -n "s/^export MYSQL_TCP_PORT='\(.*\)'$/\1/p" <<<"$env") + 1 ))
    on_sysbench dspace --threads=2 prepare >/dev/null
}
# manual_prepare: the manual server's option file: the space's dspace.cnf with the manual copy's own paths and port.
manual_prepare() {
    sed -e "s|^datadir = .*|datadir = $MANUAL/data|" -e "s|^port = .*|port = $MANUAL_PORT|" \
        -e "s|^socket = .*|socket = $MANUAL/run/mysqld.sock|" -e "s|^pid-file = .*|pid-file = $MANUAL/run/mysqld.pid|" \
        -e "s|^tmpdir = .*|tmpdir = $MANUAL/run|" "$MANUAL/base/dspace.cnf" >"$MANUAL/my.cnf"
    if grep -q "$DSPACE_HOME" "$MANUAL/my.cnf"; then
        echo "the manual server's option file still names the space's paths: $(grep "$DSPACE_HOME" "$MANUAL/my.cnf")" >&2
        return 1
    fi
}
# manual_start: starts mariadbd on the manual copy and waits (20 ms polls, at most 2 minutes) until it answers a ping.
manual_start() {
    "$MARIADBD" --defaults-file="$MANUAL/my.cnf" --user=mysql --log-error="$MANUAL/log" </dev/null >/dev/null 2>&1 &
    MANUAL_PID=$!
    local deadline=$(($(date +%s) + 120))
    until as_root manual mariadb-admin --connect-timeout=2 ping >/dev/null 2>&1; do
        if ! kill -0 "$MANUAL_PID" 2>/dev/null || [ "$(date +%s)" -ge "$deadline" ]; then
            echo "the manual MariaDB server did not start; the end of its log:" >&2
            tail -n 20 "$MANUAL/log" >&2
            return 1
        fi
        sleep 0.02
    done
}
# manual_stop: the immediate stop (SIGKILL, what dspace's rollback does to a MariaDB server whose state it
# discards): a clean shutdown would first write the buffer pool's dirty pages, which the restore throws away.
manual_stop() {
    kill -KILL "$MANUAL_PID"
    wait "$MANUAL_PID" 2>/dev/null || true   # our child: reaped once it is gone and has closed its files
    MANUAL_PID=
}
# manual_kill: stops the manual server if it runs (cleanup).
manual_kill() { if [ -n "$MANUAL_PID" ]; then manual_stop; fi; }

# change TARGET KIND: applies one change to the server of TARGET (dspace or manual). Both servers commit with
# innodb_flush_log_at_trx_commit = 2 (the space's setting): durability is not what is measured.
change() {
    local target=$1 kind=$2 sql='' table
    case $kind in
        none) ;;
        txn1k) on_sysbench "$target" --threads=2 --events=1000 --time=0 run >/dev/null ;;
        txn10k) on_sysbench "$target" --threads=2 --events=10000 --time=0 run >/dev/null ;;
        rewrite)
            for table in $(seq 1 "$SYSBENCH_TABLES"); do sql+="update sbtest$table set pad = reverse(pad);"; done
            as_root "$target" mariadb "$DB" -e "$sql"
            ;;
    esac
}

# logical_dump: the logical baseline's "snapshot": a dump of the manual server's database (in its base state).
logical_dump() { as_root manual mariadb-dump --single-transaction "$DB" >"$MANUAL/base.sql"; }
# logical_restore: the logical baseline's rollback: drop the database, create it anew and load the dump into it.
logical_restore() {
    as_root manual mariadb -e "drop database \`$DB\`; create database \`$DB\`"
    as_root manual mariadb "$DB" <"$MANUAL/base.sql"
}
