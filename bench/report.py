#!/usr/bin/python3
"""report.py - bench/run's arithmetic: medians, ratios, targets, CSV.

Reads the files bench/run writes while measuring and prints the table and
the PASS/MISS verdict of every target of issue 6 ("Speed"):
  - build and verify, v1 and v2: median wall <= 0.65x the reference on the
    1 GiB package and <= 1.5x on the small-file package;
  - peak RSS of every drvcat job <= 64 MiB, and not growing with package size
    (largest sized package at most 10% + 2 MiB above the smallest);
  - drvcat sign <= 1.0x osslsigncode sign on the same catalog.
Exit status 0 whatever the verdicts (a benchmark, not a test); 1 on bad input.
"""
import argparse
import csv
import statistics
import sys

# job -> the openssl jobs whose median times add up to its reference.
REFERENCE = {
    "build_v1": ["openssl_sha1"],
    "build_v2": ["openssl_sha256", "openssl_sha1"],
    "verify_v1": ["openssl_sha1"],
    "verify_v2": ["openssl_sha256"],
    "drvcat_sign": ["osslsigncode_sign"],
}
JOBS = ["openssl_sha256", "openssl_sha1", "build_v1", "build_v2", "verify_v1", "verify_v2",
        "osslsigncode_sign", "drvcat_sign"]
TARGET_SIZED = 0.65      # x reference, on the 1 GiB package
TARGET_SMALL = 1.5       # x reference, on the small-file package
TARGET_SIGN = 1.0
RSS_MAX_KIB = 64 * 1024
RSS_GROWTH = (1.10, 2048)  # largest <= smallest * 1.10 + 2 MiB


def read_kv(path):
    out = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.rstrip("\n").partition("=")
            out[k] = v
    return out


def main():
    ap = argparse.ArgumentParser()
    for opt in ("meta", "packages", "measurements", "speed", "cache", "discarded", "csv"):
        ap.add_argument("--" + opt, required=True)
    a = ap.parse_args()
    meta = read_kv(a.meta)

    pkgs = {}   # name -> (gib or None, files, bytes), in benchmark order
    with open(a.packages) as f:
        for line in f:
            p = line.split()
            gib = float(p[1]) if len(p) == 4 else None
            files, nbytes = int(p[-2]), int(float(p[-1]))
            pkgs[p[0]] = (gib, files, nbytes)

    runs = {}   # (pkg, job) -> [(wall, e, rss)]
    contended = {}   # (pkg, job) -> kept runs during which others used > 0.25 CPU
    foreign = {}     # (pkg, job) -> CPU seconds other processes used during the kept runs
    with open(a.measurements) as f:
        for line in f:
            pkg, job, t0, t1, e, m, _, _, fcs, cont = line.split()
            runs.setdefault((pkg, job), []).append((float(t1) - float(t0), float(e), int(m)))
            contended[(pkg, job)] = contended.get((pkg, job), 0) + int(cont)
            foreign[(pkg, job)] = foreign.get((pkg, job), 0) + int(fcs) / 100
    discarded = {}
    with open(a.discarded) as f:
        for line in f:
            p = line.split()
            discarded[(p[0], p[1])] = discarded.get((p[0], p[1]), 0) + 1

    cache = {}
    with open(a.cache) as f:
        for line in f:
            name, phase, pct = line.split()
            cache[(name, phase)] = pct

    med = {k: statistics.median(w for w, _, _ in v) for k, v in runs.items()}
    rows, verdicts = [], []
    for pkg, (gib, files, nbytes) in pkgs.items():
        for job in JOBS:
            v = runs.get((pkg, job))
            if not v:
                continue
            walls = [w for w, _, _ in v]
            rss = [m for _, _, m in v]
            row = {
                "package": pkg, "size_gib": "" if gib is None else gib, "files": files + 1,
                "bytes": nbytes, "job": job, "runs": len(v),
                "wall_median_s": "%.4f" % med[(pkg, job)], "wall_min_s": "%.4f" % min(walls),
                "wall_max_s": "%.4f" % max(walls),
                "time_e_median_s": "%.2f" % statistics.median(e for _, e, _ in v),
                "rss_median_kib": int(statistics.median(rss)), "rss_max_kib": max(rss),
                "mib_per_s": "" if job.endswith("_sign") else "%.0f" % (nbytes / 2**20 / med[(pkg, job)]),
                "reference": "", "reference_s": "", "ratio": "", "ratio_target": "",
                "ratio_result": "", "rss_target_kib": "", "rss_result": "",
                "discarded_runs": discarded.get((pkg, job), 0),
                "contended_runs_kept": contended.get((pkg, job), 0),
                "foreign_cpu_s": "%.2f" % foreign.get((pkg, job), 0),
                "walls_s": ";".join("%.4f" % w for w in walls),
            }
            ref = REFERENCE.get(job)
            if ref and all((pkg, r) in med for r in ref):
                rs = sum(med[(pkg, r)] for r in ref)
                ratio = med[(pkg, job)] / rs
                row.update(reference="+".join(ref), reference_s="%.4f" % rs, ratio="%.3f" % ratio)
                target = None
                if job == "drvcat_sign":
                    target = TARGET_SIGN
                elif gib is None:
                    target = TARGET_SMALL
                elif gib == 1.0:
                    target = TARGET_SIZED
                if target is not None:
                    ok = ratio <= target
                    row.update(ratio_target="<=%.2f" % target, ratio_result="PASS" if ok else "MISS")
                    verdicts.append((ok, "%s %s: %.3fx reference (%s %.3f s vs %.3f s), target <= %.2fx"
                                     % (pkg, job, ratio, job, med[(pkg, job)], rs, target)))
            if job in ("build_v1", "build_v2", "verify_v1", "verify_v2", "drvcat_sign"):
                ok = max(rss) <= RSS_MAX_KIB
                row.update(rss_target_kib=RSS_MAX_KIB, rss_result="PASS" if ok else "MISS")
                verdicts.append((ok, "%s %s: peak RSS %.1f MiB (max of %d runs), target <= 64 MiB"
                                 % (pkg, job, max(rss) / 1024, len(v))))
            rows.append(row)

    # RSS must not grow with package size: compare the sized packages' medians.
    sized = sorted((g, p) for p, (g, _, _) in pkgs.items() if g is not None)
    growth = []
    if len(sized) >= 2:
        for job in ("build_v1", "build_v2", "verify_v1", "verify_v2"):
            vals = [(g, p, statistics.median(m for _, _, m in runs[(p, job)]))
                    for g, p in sized if (p, job) in runs]
            lo, hi = vals[0], vals[-1]
            ok = hi[2] <= lo[2] * RSS_GROWTH[0] + RSS_GROWTH[1]
            series = ", ".join("%g GiB %.1f" % (g, m / 1024) for g, _, m in vals)
            growth.append((ok, "%s: median peak RSS MiB by size: %s (target: %g GiB <= %g GiB "
                           "+ 10%% + 2 MiB)" % (job, series, hi[0], lo[0])))
    verdicts += growth

    fields = list(rows[0].keys()) if rows else []
    with open(a.csv, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)

    out = sys.stdout
    out.write("\nmachine: %s; %s CPUs; sha_ni %s; %s; %s; %s\n"
              % (meta.get("cpu"), meta.get("nproc"), meta.get("sha_ni"), meta.get("openssl"),
                 meta.get("kernel"), meta.get("mem")))
    out.write("drvcat: %s; jobs %s\n" % (meta.get("drvcat"), meta.get("jobs")))
    out.write("command: %s\n" % meta.get("command"))
    with open(a.speed) as f:
        sp = [l.split() for l in f if l.strip()]
    out.write("openssl speed -evp (one core): %s\n" % ", ".join(
        "%s %s B blocks %.0f MiB/s" % (alg, b, float(r) / 2**20) for alg, b, r in sp if r))
    out.write("page cache (share of each package resident before/after timing): %s\n" % ", ".join(
        "%s %s%%/%s%%" % (p, cache.get((p, "cache_before"), "?"), cache.get((p, "cache_after"), "?"))
        for p in pkgs))
    out.write("\n%-12s %-18s %5s %10s %8s %9s  %-28s %9s %7s %7s %s\n" % (
        "package", "job", "runs", "median s", "MiB/s", "RSS MiB", "reference", "ref s", "ratio",
        "target", ""))
    for r in rows:
        out.write("%-12s %-18s %5d %10s %8s %9.1f  %-28s %9s %7s %7s %s\n" % (
            r["package"], r["job"], r["runs"], r["wall_median_s"], r["mib_per_s"],
            r["rss_median_kib"] / 1024, r["reference"], r["reference_s"], r["ratio"],
            r["ratio_target"], r["ratio_result"]))
    nd, nc = sum(discarded.values()), sum(contended.values())
    out.write("\nshared machine: %d run%s discarded and repeated because other processes used > 0.25 CPU "
              "meanwhile; %d kept run%s still contended after 3 repeats\n"
              % (nd, "" if nd == 1 else "s", nc, "" if nc == 1 else "s"))
    if meta.get("idle_timeouts", "0") != "0":
        out.write("  warning: %s round%s started without the machine going idle (--idle-timeout)\n"
                  % (meta["idle_timeouts"], "" if meta["idle_timeouts"] == "1" else "s"))
    out.write("\ntargets:\n")
    for ok, text in verdicts:
        out.write("  %s  %s\n" % ("PASS" if ok else "MISS", text))
    if not any(g == 1.0 for g, _ in sized):
        out.write("  ----  build/verify <= %.2fx on the 1 GiB package: not evaluated (no --size 1)\n"
                  % TARGET_SIZED)
    sign = meta.get("sign_status", "")
    if sign != "available":
        out.write("  ----  drvcat sign <= 1.0x osslsigncode sign: %s\n" % sign)
    met = sum(1 for ok, _ in verdicts if ok)
    out.write("%d targets met, %d missed%s; CSV: %s\n" % (
        met, len(verdicts) - met, "" if sign == "available" else ", 1 not measured", a.csv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
