#!/usr/bin/env bash
# Snapshot and rollback of a database: dspace (default snapshotter: blocks) side by side with the manual ways, in
# one run, median of RUNS runs each. FLAVOUR=postgres (default): a pgbench -s SCALE database; FLAVOUR=mysql:
# MariaDB with sysbench tables holding as many rows (bench/flavours/mysql.sh says how they compare).
#   snapshot (server stopped, timed copy only): dspace snapshot | rsync -a | rsync -a --link-dest=<base copy> | tar -cf
#   rollback (server running, end to end: stop, restore, start and wait):
#     dspace rollback right after the change | dspace rollback after a snapshot of the change (its block lists tell
#     what changed) | immediate stop + rm -rf + cp -a + start | the same with rsync -a --delete
#     | logical: drop and re-create the database, restore a dump of the base taken once (pg_restore -j 2; mariadb)
# for each change since the base snapshot: none, 1,000 transactions, 10,000 transactions, a full-table rewrite.
# Prints one table: medians, ratios (other / dspace), bytes each snapshot adds, dspace's peak RSS; then (FIRST=1)
# a second: the first (full) snapshot of the same data into an empty block store vs cp -a, and cp -a + fsync.
# XFS=1 runs everything on a fresh loop-mounted XFS image with reflinks (needs root and mkfs.xfs; removed on exit).
# WARM_SPARE=auto|on|off: the blocks snapshotter's warm spare (default auto: kept where reflinks make it cheap, so on
# XFS); after each dspace rollback the script waits, untimed, for the spare's background refresh to end, so that it
# overlaps no timed command.
# Not a test. Usage:
#   [FLAVOUR=postgres|mysql] [SCALE=20] [RUNS=5] [KINDS="none txn1k txn10k rewrite"] [FIRST=1] [SYSBENCH_TABLES=4] [XFS=1]
#   [WARM_SPARE=auto]
#   bench/snapshot.sh [path/to/dspace]   (SCALE=100 or 200 for the full run)
set -euo pipefail
DSPACE=$(realpath "${1:-$(dirname "$0")/../build/bin/dspace}")
FLAVOUR=${FLAVOUR:-postgres}
SCALE=${SCALE:-20}
RUNS=${RUNS:-5}
KINDS=${KINDS:-none txn1k txn10k rewrite}   # a subset for long runs, e.g. KINDS="none txn1k"
FIRST=${FIRST:-1}                          # 0: leave out the first-snapshot table
WARM_SPARE=${WARM_SPARE:-auto}
case $WARM_SPARE in auto | on | off) ;; *) echo "WARM_SPARE must be auto, on or off, not '$WARM_SPARE'" >&2; exit 2 ;; esac
case $FLAVOUR in postgres | mysql) ;; *) echo "FLAVOUR must be postgres or mysql, not '$FLAVOUR'" >&2; exit 2 ;; esac
WORK=$(mktemp -d /tmp/dspace-bench-XXXXXX)
XFS=${XFS:-0}
IMAGE=""
export DSPACE_HOME="$WORK/home"
FIRST_HOME="$WORK/first"   # the first-snapshot runs' own $DSPACE_HOME, with an empty block store
MANUAL="$WORK/manual"
# The flavour's setup, manual server, changes and logical baseline: flavour_setup, manual_prepare, manual_start,
# manual_stop, manual_kill, change, logical_dump, logical_restore, DATASET, LOGICAL_LABEL.
# shellcheck source-path=SCRIPTDIR source=flavours/postgres.sh
source "$(dirname "$0")/flavours/$FLAVOUR.sh"
# cleanup: stops every server (both homes' spaces, the manual one) and removes the work directory; on any exit.
cleanup() {
    trap '' INT TERM
    local home
    for home in "$DSPACE_HOME" "$FIRST_HOME"; do
        if [ -d "$home" ]; then DSPACE_HOME=$home "$DSPACE" rm --all --force >/dev/null 2>&1 || true; fi
    done
    manual_kill >/dev/null 2>&1 || true
    if [ -n "$IMAGE" ]; then
        umount "$WORK" || umount -l "$WORK" || true
        rm -f "$IMAGE"
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
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
mib() { awk '{printf "%.0f", $1 / 1048576}'; }
# timed NAME CMD...: runs CMD, appends its seconds to $WORK/t.NAME. An untimed sync first: no command pays for
# writing out what the one before it left in the page cache.
timed() { local name=$1 t0; shift; sync; t0=$(now); "$@" >/dev/null; echo "$(now) - $t0" | bc >>"$WORK/t.$name"; }
# dspace_timed NAME ARGS...: like timed for dspace, also records its peak RSS (KiB) in $WORK/rss.NAME.
dspace_timed() {
    local name=$1; shift
    sync
    /usr/bin/time -f "%e %M" -o "$WORK/time.out" "$DSPACE" "$@" >/dev/null
    cut -d' ' -f1 "$WORK/time.out" >>"$WORK/t.$name"
    cut -d' ' -f2 "$WORK/time.out" >>"$WORK/rss.$name"
}
# peak_rss NAME...: the largest peak RSS (KiB) dspace_timed recorded under those names.
peak_rss() { local name; for name in "$@"; do cat "$WORK/rss.$name" 2>/dev/null || true; done | sort -n | tail -1; }
m() { median <"$WORK/t.$1"; }
mb() { median <"$WORK/bytes.$1" | awk '{printf "%.1f", $1 / 1048576}'; }
r() { echo "$(m "$1") / $(m "$2")" | bc -l | awk '{printf "%.1fx", $1}'; }

# settle_spare: waits until the warm spare's refresh that the last rollback started in the background has ended (the
# hidden verb it runs: it waits for the space's lock, and has nothing left to do when the background one ran first).
settle_spare() { "$DSPACE" _spare b base >/dev/null; }

echo "setting up $FLAVOUR: $DATASET ..." >&2
"$DSPACE" config set snapshotters.blocks.warm_spare "$WARM_SPARE" >/dev/null
flavour_setup
"$DSPACE" stop b >/dev/null
DATA="$DSPACE_HOME/spaces/b/data"
mkdir -p "$MANUAL" && chmod 0711 "$MANUAL" && touch "$MANUAL/log" && chown --reference="$DATA" "$MANUAL/log"
cp -a "$DATA" "$MANUAL/base"                      # the manual paths' "snapshot", and --link-dest's base
cp -a "$DATA" "$MANUAL/data"
mkdir -p "$MANUAL/run" && chown --reference="$DATA" "$MANUAL/run"
manual_prepare
"$DSPACE" snapshot b base >/dev/null
"$DSPACE" start b >/dev/null
manual_start >/dev/null
logical_dump
DATA_BYTES=$(bytes "$DATA")

manual_rm_cp() { manual_stop; rm -rf "$MANUAL/data"; cp -a "$MANUAL/base" "$MANUAL/data"; manual_start; }
manual_rsync() { manual_stop; rsync -a --delete "$MANUAL/base/" "$MANUAL/data/"; manual_start; }

rows=()
for kind in $KINDS; do
    rm -f "$WORK"/t.* "$WORK/bytes."*
    for run in $(seq 1 "$RUNS"); do
        echo "  $kind: run $run of $RUNS" >&2
        "$DSPACE" rollback b --to base >/dev/null
        settle_spare
        change dspace "$kind"
        dspace_timed direct rollback b --to base
        settle_spare
        change dspace "$kind"
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
        settle_spare
        "$DSPACE" snapshot rm b "r$run" >/dev/null
        change manual "$kind"
        timed logical logical_restore
        change manual "$kind"
        timed rmcp manual_rm_cp
        change manual "$kind"
        timed rsyncdel manual_rsync
    done
    rows+=("$(printf '| %-8s | %6.2f s | %6.2f s (%s) | %6.2f s (%s) | %6.2f s (%s) | %6.2f s (%s) | %6.2f s (%s) | %6.2f s | %6.2f s | %6.2f s (%s) | %s / %s / %s / %s |' \
        "$kind" "$(m snap)" "$(m rsync)" "$(r rsync snap)" "$(m linkdest)" "$(r linkdest snap)" "$(m tar)" "$(r tar snap)" \
        "$(m direct)" "$(r rmcp direct)" "$(m rollback)" "$(r rmcp rollback)" "$(m rmcp)" "$(m rsyncdel)" \
        "$(m logical)" "$(r logical direct)" "$(mb dspace)" "$(mb rsync)" "$(mb linkdest)" "$(mb tar)")")
done

# copy_synced FROM TO: cp -a, then fsync of every file and directory of the copy (what makes it durable, as
# dspace's snapshot fsyncs what it wrote; a bare `sync` would also flush other programs' dirty data).
copy_synced() { cp -a "$1" "$2"; find "$2" -print0 | xargs -0 sync --; }
# first_snapshot_run: the base data adopted into a new $DSPACE_HOME, so into an empty block store, and the space
# stopped (neither timed); then timed: dspace's first snapshot, cp -a, cp -a + fsync.
first_snapshot_run() {
    mkdir -m 0711 "$FIRST_HOME"
    DSPACE_HOME=$FIRST_HOME "$DSPACE" create f --from "$MANUAL/base" --format pgdata >/dev/null
    DSPACE_HOME=$FIRST_HOME "$DSPACE" stop f >/dev/null
    FIRST_DATA="$FIRST_HOME/spaces/f/data"
    DSPACE_HOME=$FIRST_HOME dspace_timed first snapshot f first
    timed cpa cp -a "$FIRST_DATA" "$WORK/copy"
    rm -rf "$WORK/copy"
    timed cpasync copy_synced "$FIRST_DATA" "$WORK/copy"
    rm -rf "$WORK/copy"
    DSPACE_HOME=$FIRST_HOME "$DSPACE" rm --all --force >/dev/null
    rm -rf "$FIRST_HOME"
}
if [ "$FIRST" = 1 ]; then
    rm -f "$WORK"/t.*
    for run in $(seq 1 "$RUNS"); do
        echo "  first snapshot: run $run of $RUNS" >&2
        first_snapshot_run
    done
fi

echo
echo "$FLAVOUR, $DATASET ($(echo "$DATA_BYTES" | mib) MiB data directory), median of $RUNS, $(nproc) cores, $(df -T "$WORK" | awk 'NR==2 {print $2}'), warm spare $WARM_SPARE, $(date -u +%Y-%m-%d)"
echo
echo "| change   | dspace snapshot | rsync -a | rsync --link-dest | tar | dspace rollback right after the change | dspace rollback after a snapshot | stop + rm + cp -a + start | stop + rsync --delete + start | $LOGICAL_LABEL | MiB added: dspace / rsync / link-dest / tar |"
echo "|----------|-----------------|----------|-------------------|-----|----------------------------------------|----------------------------------|---------------------------|-------------------------------|$(printf '%*s' $((${#LOGICAL_LABEL} + 2)) '' | tr ' ' -)|----------------------------------------------|"
printf '%s\n' "${rows[@]}"
echo
[ -r /proc/pressure/io ] && echo "I/O pressure at the end (other work on the machine waiting for the disk too): $(head -1 /proc/pressure/io)"
echo "ratios: snapshot columns: the other tool's time / dspace snapshot's; rollback columns: stop + rm + cp -a + start's time / dspace's; $LOGICAL_LABEL: its time / dspace rollback right after the change's (above 1x: dspace is faster). dspace peak RSS: $(peak_rss direct snap rollback) KiB"
if [ "$FIRST" = 1 ]; then
    echo
    echo "First (full) snapshot of the base data ($(bytes "$MANUAL/base" | mib) MiB) into an empty block store, server stopped, median of $RUNS:"
    echo
    echo "| dspace first snapshot | cp -a | cp -a + fsync of the copy | ratios: cp -a / dspace, cp -a + fsync / dspace | dspace peak RSS |"
    echo "|-----------------------|-------|---------------------------|------------------------------------------------|-----------------|"
    printf '| %6.2f s | %6.2f s | %6.2f s | %s / %s | %s MiB |\n' "$(m first)" "$(m cpa)" "$(m cpasync)" "$(r cpa first)" "$(r cpasync first)" \
        "$(peak_rss first | awk '{printf "%.0f", $1 / 1024}')"
fi
