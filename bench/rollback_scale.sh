#!/usr/bin/env bash
# Does dspace's rollback cost follow what changed or the database's size? Two pgbench spaces of different scales
# (SMALL=20, LARGE=200) in one $DSPACE_HOME, each with a base snapshot; each run applies the same 1,000 pgbench
# transactions to one space and times `dspace rollback --to base` (end to end: stop, restore, start), alternating
# between the spaces so both see the same machine. Prints the medians and their ratio (the target: within 1.5x).
# CHECKPOINT=1 forces a checkpoint after the transactions (the changed pages are then in the files, not only in the
# server's buffers that the immediate stop discards).
# WARM_SPARE=auto|on|off: the blocks snapshotter's warm spare (default auto: only on file systems with reflinks); after
# each rollback the script waits, untimed, for the spare's background refresh to end.
# Not a test. Usage: [SMALL=20] [LARGE=200] [RUNS=5] [TXNS=1000] [CHECKPOINT=1] [WARM_SPARE=auto] bench/rollback_scale.sh [path/to/dspace]
set -euo pipefail
DSPACE=$(realpath "${1:-$(dirname "$0")/../build/bin/dspace}")
SMALL=${SMALL:-20}
LARGE=${LARGE:-200}
RUNS=${RUNS:-5}
TXNS=${TXNS:-1000}
CHECKPOINT=${CHECKPOINT:-0}
WARM_SPARE=${WARM_SPARE:-auto}
case $WARM_SPARE in auto | on | off) ;; *) echo "WARM_SPARE must be auto, on or off, not '$WARM_SPARE'" >&2; exit 2 ;; esac
WORK=$(mktemp -d /tmp/dspace-bench-XXXXXX)
chmod 0711 "$WORK"
export DSPACE_HOME="$WORK/home"
cleanup() { "$DSPACE" rm --all --force >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
port() { "$DSPACE" env "$1" | sed -n "s/^export PGPORT='\(.*\)'$/\1/p"; }

"$DSPACE" config set snapshotters.blocks.warm_spare "$WARM_SPARE" >/dev/null
for scale in "$SMALL" "$LARGE"; do
    echo "setting up pgbench -s $scale ..." >&2
    "$DSPACE" create "s$scale" --flavour postgres >/dev/null
    (eval "$("$DSPACE" env "s$scale")" && pgbench -i -s "$scale" -q >/dev/null 2>&1)
    "$DSPACE" snapshot "s$scale" base >/dev/null
done
for run in $(seq 1 "$RUNS"); do
    for scale in "$SMALL" "$LARGE"; do
        echo "  -s $scale: run $run of $RUNS" >&2
        (eval "$("$DSPACE" env "s$scale")" && PGOPTIONS="-c synchronous_commit=off" pgbench -n -c 2 -j 2 -t $((TXNS / 2)) >/dev/null 2>&1 &&
            if [ "$CHECKPOINT" = 1 ]; then psql -qc checkpoint; fi)
        sync   # untimed: the rollback does not pay for writing out what the transactions left in the page cache
        /usr/bin/time -f "%e %M" -o "$WORK/time.out" "$DSPACE" rollback "s$scale" --to base >/dev/null
        cut -d' ' -f1 "$WORK/time.out" >>"$WORK/t.$scale"
        cut -d' ' -f2 "$WORK/time.out" >>"$WORK/rss.$scale"
        "$DSPACE" _spare "s$scale" base >/dev/null   # waits for the warm spare's refresh that the rollback started
    done
done
size() { du -sm "$DSPACE_HOME/spaces/s$1/data" | cut -f1; }
echo
echo "dspace rollback after $TXNS pgbench transactions$([ "$CHECKPOINT" = 1 ] && echo " and a checkpoint"), median of $RUNS, alternating, $(nproc) cores, $(df -T "$WORK" | awk 'NR==2 {print $2}'), warm spare $WARM_SPARE, $(date -u +%Y-%m-%d)"
echo
echo "| scale | data directory | rollback | peak RSS |"
echo "|-------|----------------|----------|----------|"
for scale in "$SMALL" "$LARGE"; do
    printf '| -s %s | %s MiB | %.2f s | %s MiB |\n' "$scale" "$(size "$scale")" "$(median <"$WORK/t.$scale")" \
        "$(( $(sort -n "$WORK/rss.$scale" | tail -1) / 1024 ))"
done
echo
echo "ratio -s $LARGE / -s $SMALL: $(echo "$(median <"$WORK/t.$LARGE") / $(median <"$WORK/t.$SMALL")" | bc -l | awk '{printf "%.2fx", $1}')"
[ -r /proc/pressure/io ] && echo "I/O pressure at the end: $(head -1 /proc/pressure/io)"
exit 0
