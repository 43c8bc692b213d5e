#!/usr/bin/env bash
# Snapshot and rollback of a pgbench database: dspace (default snapshotter: blocks) side by side with the
# manual ways, in one run, median of RUNS runs each.
#   snapshot (server stopped, timed copy only): dspace snapshot | rsync -a | rsync -a --link-dest=<base copy> | tar -cf
#   rollback (server running, end to end: stop, restore, start and wait):
#     dspace rollback right after the change | dspace rollback after a snapshot of the change (its block lists tell
#     what changed) | pg_ctl stop -m immediate + rm -rf + cp -a + pg_ctl start -w | the same with rsync -a --delete
# for each change since the base snapshot: none, 1,000 pgbench transactions, 10,000 transactions, a full-table rewrite.
# Prints one table: medians, ratios (other / dspace), bytes each snapshot adds, dspace's peak RSS.
# XFS=1 runs everything on a fresh loop-mounted XFS image with reflinks (needs root and mkfs.xfs; removed on exit).
# Not a test. Usage: [SCALE=20] [RUNS=5] [KINDS="none txn1k txn10k rewrite"] [XFS=1] bench/snapshot.sh [path/to/dspace]   (SCALE=100 or 200 for the full run)
set -euo pipefail
DSPACE=$(realpath "${1:-$(dirname "$0")/../build/bin/dspace}")
SCALE=${SCALE:-20}
RUNS=${RUNS:-5}
KINDS=${KINDS:-none txn1k txn10k rewrite}   # a subset for long runs, e.g. KINDS="none txn1k"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/dspace-bench-XXXXXX)
XFS=${XFS:-0}
IMAGE=""
export DSPACE_HOME="$WORK/home"
MANUAL="$WORK/manual"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
    "$DSPACE" rm --all --force >/dev/null 2>&1 || true
    as_pg "$PGBIN/pg_ctl" -D "$MANUAL/data" -m immediate stop >/dev/null 2>&1 || true
    if [ -n "$IMAGE" ]; then
        umount "$WORK" || umount -l "$WORK" || true
        rm -f "$IMAGE"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
if [ "$XFS" = 1 ]; then   # a sparse image: about 12x the data directory (pgbench -s 1 is ~16 MiB), at least 4 GiB
    IMAGE="$WORK.xfs.img"
    truncate -s "$(( SCALE * 200 > 4096 ? SCALE * 200 : 4096 ))M" "$IMAGE"
    mkfs.xfs -q -m reflink=1 "$IMAGE"
    mount -o loop "$IMAGE" "$WORK"   # mount -o loop detaches the loop device again on umount
fi
chmod 0711 "$WORK"
now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
bytes() { du -sb "$@" | tail -1 | cut -f1; }          # of the last argument (hard links to earlier ones not counted)
total_bytes() { du -sbc "$@" | tail -1 | cut -f1; }   # of all arguments together
# timed NAME CMD...: runs CMD, appends its seconds to $WORK/t.NAME.
timed() { local name=$1 t0; shift; t0=$(now); "$@" >/dev/null; echo "$(now) - $t0" | bc >>"$WORK/t.$name"; }
# dspace_timed NAME ARGS...: like timed for dspace, also records its peak RSS (KiB) in $WORK/rss.
dspace_timed() {
    local name=$1; shift
    /usr/bin/time -f "%e %M" -o "$WORK/time.out" "$DSPACE" "$@" >/dev/null
    cut -d' ' -f1 "$WORK/time.out" >>"$WORK/t.$name"
    cut -d' ' -f2 "$WORK/time.out" >>"$WORK/rss"
}

echo "setting up pgbench -s $SCALE ..." >&2
"$DSPACE" create b --flavour postgres >/dev/null
eval "$("$DSPACE" env b)"
DSPACE_PORT=$PGPORT
MANUAL_PORT=$((PGPORT + 1))
pgbench -i -s "$SCALE" -q >/dev/null 2>&1
"$DSPACE" stop b >/dev/null
DATA="$DSPACE_HOME/spaces/b/data"
mkdir -p "$MANUAL" && chmod 0711 "$MANUAL" && touch "$MANUAL/log" && chown --reference="$DATA" "$MANUAL/log"
cp -a "$DATA" "$MANUAL/base"                      # the manual paths' "snapshot", and --link-dest's base
cp -a "$DATA" "$MANUAL/data"
mkdir -p "$MANUAL/run" && chown --reference="$DATA" "$MANUAL/run"
"$DSPACE" snapshot b base >/dev/null
"$DSPACE" start b >/dev/null
MANUAL_OPTS="-p $MANUAL_PORT -k $MANUAL/run -c listen_addresses=127.0.0.1"
manual_start() { as_pg "$PGBIN/pg_ctl" -D "$MANUAL/data" -o "$MANUAL_OPTS" -l "$MANUAL/log" -w start; }
manual_stop() { as_pg "$PGBIN/pg_ctl" -D "$MANUAL/data" -m immediate -w stop; }
manual_start >/dev/null
DATA_BYTES=$(bytes "$DATA")

# change PORT KIND: applies one change to the server on PORT (changes only; durability is not what is measured).
change() {
    local port=$1 kind=$2
    export PGOPTIONS="-c synchronous_commit=off"
    case $kind in
        none) ;;
        txn1k) PGPORT=$port pgbench -n -c 2 -j 2 -t 500 >/dev/null 2>&1 ;;
        txn10k) PGPORT=$port pgbench -n -c 2 -j 2 -t 5000 >/dev/null 2>&1 ;;
        rewrite) PGPORT=$port psql -qAtc "update pgbench_accounts set abalance = abalance + 1" >/dev/null ;;
    esac
    unset PGOPTIONS
}
manual_rm_cp() { manual_stop; rm -rf "$MANUAL/data"; cp -a "$MANUAL/base" "$MANUAL/data"; manual_start; }
manual_rsync() { manual_stop; rsync -a --delete "$MANUAL/base/" "$MANUAL/data/"; manual_start; }

rows=()
for kind in $KINDS; do
    rm -f "$WORK"/t.* "$WORK/bytes."*
    for run in $(seq 1 "$RUNS"); do
        echo "  $kind: run $run of $RUNS" >&2
        "$DSPACE" rollback b --to base >/dev/null
        change "$DSPACE_PORT" "$kind"
        dspace_timed direct rollback b --to base
        change "$DSPACE_PORT" "$kind"
        "$DSPACE" stop b >/dev/null
        before=$(total_bytes "$DSPACE_HOME/blocks" "$DSPACE_HOME/snapshots")
        dspace_timed snap snapshot b "r$run"
        echo $(( $(total_bytes "$DSPACE_HOME/blocks" "$DSPACE_HOME/snapshots") - before )) >>"$WORK/bytes.dspace"
        timed rsync rsync -a "$DATA/" "$WORK/copy/"
        bytes "$WORK/copy" >>"$WORK/bytes.rsync"; rm -rf "$WORK/copy"
        timed linkdest rsync -a --link-dest="$MANUAL/base" "$DATA/" "$WORK/copy/"
        bytes "$MANUAL/base" "$WORK/copy" >>"$WORK/bytes.linkdest"; rm -rf "$WORK/copy"
        timed tar tar -cf "$WORK/copy.tar" -C "$DATA" .
        bytes "$WORK/copy.tar" >>"$WORK/bytes.tar"; rm -f "$WORK/copy.tar"
        "$DSPACE" start b >/dev/null
        dspace_timed rollback rollback b --to base
        "$DSPACE" snapshot rm b "r$run" >/dev/null
        change "$MANUAL_PORT" "$kind"
        timed rmcp manual_rm_cp
        change "$MANUAL_PORT" "$kind"
        timed rsyncdel manual_rsync
    done
    m() { median <"$WORK/t.$1"; }
    mb() { median <"$WORK/bytes.$1" | awk '{printf "%.1f", $1 / 1048576}'; }
    r() { echo "$(m "$1") / $(m "$2")" | bc -l | awk '{printf "%.1fx", $1}'; }
    rows+=("$(printf '| %-8s | %6.2f s | %6.2f s (%s) | %6.2f s (%s) | %6.2f s (%s) | %6.2f s (%s) | %6.2f s (%s) | %6.2f s | %6.2f s | %s / %s / %s / %s |' \
        "$kind" "$(m snap)" "$(m rsync)" "$(r rsync snap)" "$(m linkdest)" "$(r linkdest snap)" "$(m tar)" "$(r tar snap)" \
        "$(m direct)" "$(r rmcp direct)" "$(m rollback)" "$(r rmcp rollback)" "$(m rmcp)" "$(m rsyncdel)" \
        "$(mb dspace)" "$(mb rsync)" "$(mb linkdest)" "$(mb tar)")")
done

echo
echo "pgbench -s $SCALE ($(echo "$DATA_BYTES" | awk '{printf "%.0f", $1 / 1048576}') MiB data directory), median of $RUNS, $(nproc) cores, $(df -T "$WORK" | awk 'NR==2 {print $2}'), $(date -u +%Y-%m-%d)"
echo
echo "| change   | dspace snapshot | rsync -a | rsync --link-dest | tar | dspace rollback right after the change | dspace rollback after a snapshot | stop + rm + cp -a + start | stop + rsync --delete + start | MiB added: dspace / rsync / link-dest / tar |"
echo "|----------|-----------------|----------|-------------------|-----|----------------------------------------|----------------------------------|---------------------------|-------------------------------|----------------------------------------------|"
printf '%s\n' "${rows[@]}"
echo
[ -r /proc/pressure/io ] && echo "I/O pressure at the end (other work on the machine waiting for the disk too): $(head -1 /proc/pressure/io)"
echo "ratios: snapshot columns: the other tool's time / dspace snapshot's; rollback columns: stop + rm + cp -a + start's time / dspace's (above 1x: dspace is faster). dspace peak RSS: $(sort -n "$WORK/rss" | tail -1) KiB"
