#!/usr/bin/env bash
# One command, one table: how long users wait for `memaudit`, each row against a baseline measured in the same run.
#   1. start-up: `memaudit --help`          baseline: the bare JVM (`java -jar memaudit.jar --help`)
#   2. a 1 MB short-record file, end to end  baseline: the bare JVM on the same file
#   3. a 50 MB short-record file, end to end baseline: a Python json + re.sub script (python/randomize_baseline.py)
# Short records: MIMIC-CXR impressions, seeded (io.memaudit.bench.ShortRecords: ~147 bytes and ~1.2 markers a record).
# Needs hyperfine (apt-get install -y hyperfine) and a JDK 21+ (JAVA_HOME or PATH); builds the jars when missing.
#
#   memaudit-benchmarks/cli-benchmark.sh [--runs N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=5
if [ "${1:-}" = "--runs" ]; then runs="$2"; fi
command -v hyperfine > /dev/null || { echo "needs hyperfine: apt-get install -y hyperfine" >&2; exit 2; }
python="$(command -v /usr/bin/python3 || command -v python3)"
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
jar="$root/memaudit-cli/target/memaudit.jar"
benchmarks="$root/memaudit-benchmarks/target/benchmarks.jar"
if [ ! -f "$jar" ] || [ ! -f "$benchmarks" ]; then
  "$root/mvnw" -q -B -DskipTests -pl memaudit-benchmarks -am package >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$java" -cp "$benchmarks" io.memaudit.bench.ShortRecords "$work/short-1mb.jsonl" 1 >&2
"$java" -cp "$benchmarks" io.memaudit.bench.ShortRecords "$work/short-50mb.jsonl" 50 >&2
"$root/memaudit" --version > /dev/null   # the launcher's one-time caches are made here, not inside a measurement
plain="$java --enable-native-access=ALL-UNNAMED -Xss4m -jar $jar"
randomize="randomize --seed 7 --no-progress --field prompt"

hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/startup.json" \
  -n "bare JVM: java -jar memaudit.jar --help (baseline)" "$plain --help" \
  -n "./memaudit --help, no AOT cache (MEMAUDIT_AOT=off)" "MEMAUDIT_AOT=off $root/memaudit --help" \
  -n "./memaudit --help" "$root/memaudit --help" > "$work/startup.log" 2>&1
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$work/one-mb.json" \
  -n "bare JVM: java -jar memaudit.jar randomize 1 MB (baseline)" "$plain $randomize --in $work/short-1mb.jsonl --out $work/o1.jsonl" \
  -n "./memaudit randomize 1 MB" "$root/memaudit $randomize --in $work/short-1mb.jsonl --out $work/o2.jsonl" \
  -n "python3 json + re.sub, 1 MB" "$python $root/memaudit-benchmarks/python/randomize_baseline.py $work/short-1mb.jsonl $work/o3.jsonl" \
  > "$work/one-mb.log" 2>&1
hyperfine --style basic --warmup 1 --runs "$(( runs < 3 ? runs : 3 ))" --export-json "$work/fifty-mb.json" \
  -n "python3 json + re.sub, 50 MB (baseline)" "$python $root/memaudit-benchmarks/python/randomize_baseline.py $work/short-50mb.jsonl $work/p.jsonl" \
  -n "./memaudit randomize 50 MB --threads 1" "$root/memaudit $randomize --threads 1 --in $work/short-50mb.jsonl --out $work/t1.jsonl" \
  -n "./memaudit randomize 50 MB (threads: $(nproc))" "$root/memaudit $randomize --in $work/short-50mb.jsonl --out $work/t2.jsonl" \
  > "$work/fifty-mb.log" 2>&1
cmp -s "$work/t1.jsonl" "$work/t2.jsonl" || { echo "1-thread and $(nproc)-thread outputs differ" >&2; exit 1; }

records="$(wc -l < "$work/short-50mb.jsonl")"
"$python" - "$records" "$work/startup.json" "$work/one-mb.json" "$work/fifty-mb.json" <<'EOF'
import json, os, sys
records = int(sys.argv[1])
print(f"\n{os.cpu_count()} processors, load average at the end {os.getloadavg()[0]:.1f}; 50 MB file: {records:,} records")
print("wall = mean ± sd of wall-clock seconds; CPU = user + system seconds (steadier than wall on a shared machine)\n")
print("| command | wall s | CPU s | x baseline (wall) | x baseline (CPU) | records/s (wall) |")
print("|---|---:|---:|---:|---:|---:|")
for path in sys.argv[2:]:
    results = json.load(open(path))["results"]
    base_wall = results[0]["mean"]
    base_cpu = results[0]["user"] + results[0]["system"]
    for result in results:
        cpu = result["user"] + result["system"]
        rate = f"{records / result['mean']:,.0f}" if "50 MB" in result["command"] else ""
        print(f"| {result['command']} | {result['mean']:.3f} ± {result['stddev']:.3f} | {cpu:.3f} "
              f"| {base_wall / result['mean']:.2f} | {base_cpu / cpu:.2f} | {rate} |")
EOF
