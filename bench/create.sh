#!/usr/bin/env bash
# Time from "create a PostgreSQL server" to its first successful query:
#   dspace create + dspace shell -- -tAc 'select 1'
# versus the manual baseline initdb + pg_ctl start -w + psql 'select 1' (as the postgres user when root).
# Median of RUNS runs each, interleaved; prints both medians and their ratio.
# Usage: bench/create.sh [path/to/dspace]   (default: build/bin/dspace)
set -euo pipefail
DSPACE=${1:-$(dirname "$0")/../build/bin/dspace}
RUNS=${RUNS:-5}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/dspace-bench-XXXXXX)
chmod 0711 "$WORK"
export DSPACE_HOME="$WORK/home"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    "$DSPACE" rm --all --force >/dev/null 2>&1 || true
    for d in "$WORK"/manual-*; do [ -d "$d" ] && as_pg "$PGBIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

"$DSPACE" create warmup --flavour postgres >/dev/null   # fills the template cache once, as a first create would
"$DSPACE" rm --force warmup >/dev/null
: >"$WORK/dspace.times"; : >"$WORK/manual.times"
for i in $(seq 1 "$RUNS"); do
    t0=$(now)
    "$DSPACE" create "b$i" --flavour postgres >/dev/null
    "$DSPACE" shell "b$i" -- -tAc 'select 1' >/dev/null
    echo "$(now) - $t0" | bc >>"$WORK/dspace.times"

    port=$((20000 + RANDOM % 20000)); dir="$WORK/manual-$i"
    t0=$(now)
    mkdir "$dir"; [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_pg "$PGBIN/initdb" -D "$dir" -U postgres -A trust --no-sync >/dev/null
    as_pg "$PGBIN/pg_ctl" -D "$dir" -o "-p $port -k $dir -c listen_addresses=127.0.0.1" -l "$dir/log" -w start >/dev/null
    as_pg "$PGBIN/psql" -h 127.0.0.1 -p "$port" -U postgres -tAc 'select 1' >/dev/null
    echo "$(now) - $t0" | bc >>"$WORK/manual.times"
    as_pg "$PGBIN/pg_ctl" -D "$dir" -m immediate stop >/dev/null
    "$DSPACE" rm --force "b$i" >/dev/null
done
d=$(median <"$WORK/dspace.times"); m=$(median <"$WORK/manual.times")
printf 'create to first query, median of %d runs:\n' "$RUNS"
printf '  dspace create + query         %.3f s\n' "$d"
printf '  initdb + pg_ctl start + psql  %.3f s\n' "$m"
printf '  ratio (manual / dspace)       %.1fx\n' "$(echo "$m / $d" | bc -l)"
