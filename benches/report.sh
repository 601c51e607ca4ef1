#!/usr/bin/env bash
# The HTML report of a large book: its size, the time to make it, and the
# time a browser takes to open it (docs/performance.md, "The HTML report").
#
#   cargo build --release
#   cargo run --release --example gen_ledger -- --invoices 1000000 --seed 1 --out /tmp/book1m
#   benches/report.sh /tmp/book1m [RUNS]
#
# Needs /usr/bin/time and Debian's chromium. Best of RUNS (default 5) for
# each figure: the machine is shared, a single run can take twice as long.
set -euo pipefail
cd "$(dirname "$0")/.."

book=${1:?usage: benches/report.sh BOOK_DIR [RUNS]}
runs=${2:-5}
policy=target/release/policy
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
window=(--from 2025-01-01 --to 2025-12-31)

best() { sort -n | head -1; }

echo "== making the report (wall s, user+sys s, peak MiB), best of $runs; csv alongside"
for format in html csv; do
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M" -o "$out/time" \
      "$policy" simulate policies/lu-b2b.policy --ledger "$book/ledger.csv" "${window[@]}" \
      --format "$format" -o "$out/report.$format"
    read -r wall user sys kb < "$out/time"
    awk -v w="$wall" -v u="$user" -v s="$sys" -v k="$kb" 'BEGIN { printf "%s %.2f %d\n", w, u + s, k / 1024 }' 
  done | sort -n | head -1 | sed "s/^/$format: /"
done
echo "html size: $(stat -c %s "$out/report.html") bytes"

echo "== the report of a change (mise en demeure at 50 days instead of 45), one run"
sed 's/after 45 days send mise_en_demeure/after 50 days send mise_en_demeure/' \
  policies/lu-b2b.policy > policies/.report-bench.policy
trap 'rm -rf "$out" policies/.report-bench.policy' EXIT
/usr/bin/time -f "%e %M" -o "$out/time" "$policy" diff policies/lu-b2b.policy \
  policies/.report-bench.policy --ledger "$book/ledger.csv" "${window[@]}" \
  --format html --exit-zero -o "$out/diff.html"
read -r wall kb < "$out/time"
echo "diff: ${wall} s, $((kb / 1024)) MiB, $(stat -c %s "$out/diff.html") bytes"

chrome=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$out/profile")

echo "== opening it in headless Chromium, best of $runs"
# In the page: the navigation timing of a copy with a script added (the
# report itself has none), read back from the DOM Chromium dumps.
sed 's#</body>#<script>addEventListener("load",()=>{const n=performance.getEntriesByType("navigation")[0];document.body.dataset.timing=[n.domContentLoadedEventEnd,n.loadEventStart].map(Math.round).join(" ")})</script></body>#' \
  "$out/report.html" > "$out/timed.html"
for _ in $(seq "$runs"); do
  "${chrome[@]}" --dump-dom "file://$out/timed.html" 2>/dev/null \
    | grep -o 'data-timing="[^"]*"' | tr -d '"' | cut -d= -f2
done | sort -n -k2 | head -1 | sed 's/^/parsed, loaded (ms from navigation): /'
# The whole browser: start, load, lay out, paint and write a screenshot of
# the first 2000 pixels, against the same for a page of one line.
echo '<!DOCTYPE html><title>x</title><p>x' > "$out/blank.html"
for page in blank report; do
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e" -o "$out/time" "${chrome[@]}" --window-size=1280,2000 \
      --screenshot="$out/shot.png" "file://$out/$page.html" >/dev/null 2>&1
    cat "$out/time"
  done | best | sed "s/^/screenshot of $page.html (s, browser start included): /"
done
