#!/usr/bin/env python3
"""report.py - the MTA benchmark's summary from bench-mta.sh's results.

    contrib/bench/report.py OUTDIR

Reads OUTDIR/results.tsv (one line per timed run) and OUTDIR/times/CLASS.SESSIONS (leakguard's
time_ms per message) and prints per class: messages/s of each configuration (median over the
repetitions), the ratio to Postfix alone (median of the per-repetition ratios: each ratio comes
from runs minutes apart at most), CPU time per message of each milter (median), leakguard's CPU
seconds per 1,000 messages, peak RSS and end-of-data-to-verdict p50/p99, the messages each
milter tagged (its X-...-Verdict header, counted by Postfix's milter_header_checks), and the
issue's targets with ok / MISSED.
"""
import csv
import math
import os
import statistics
import sys

# class -> (ratio to Postfix alone, leakguard CPU ms per message or None)
TARGETS = {"small": (0.90, 0.3), "csv": (0.85, 1.0), "office": (0.80, None),
           "big": (0.80, 5.0), "mix": (None, None)}
PEER_FACTOR = 1.5
CONFIGS = ["none", "leakguard", "rspamd", "mimedefang"]


def percentile(values, p):
    """The p-th percentile (nearest rank) of values."""
    v = sorted(values)
    if not v:
        return float("nan")
    k = max(0, min(len(v) - 1, math.ceil(p / 100.0 * len(v)) - 1))
    return v[k]


def load(outdir):
    """results.tsv as a list of dicts with numbers converted."""
    rows = []
    with open(os.path.join(outdir, "results.tsv"), newline="") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            for k in ("rep", "sessions", "sent", "delivered", "tagged"):
                r[k] = int(r.get(k) or 0)
            for k in ("seconds", "lg_cpu_s", "peer_cpu_s", "lg_hwm_kb"):
                r[k] = float(r[k])
            rows.append(r)
    return rows


def times(outdir, cls, sessions):
    """leakguard's time_ms values of one class at one session count."""
    path = os.path.join(outdir, "times", "%s.%d" % (cls, sessions))
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [float(x) for x in f if x.strip()]


def fmt(x, spec="%.2f"):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) else spec % x


def report_class(out, rows, cls, sessions):
    """The block of one class."""
    runs = [r for r in rows if r["class"] == cls and r["sessions"] == sessions]
    if not runs:
        return
    configs = [c for c in CONFIGS if any(r["config"] == c for r in runs)]
    reps = sorted({r["rep"] for r in runs})
    by = {(r["config"], r["rep"]): r for r in runs}
    n = runs[0]["sent"]
    out.append("== %s: %d messages per run, %d sessions, %d repetitions (medians)"
               % (cls, n, sessions, len(reps)))
    out.append("   %-11s %9s %7s %13s %6s %9s" % ("config", "msgs/s", "ratio", "CPU ms/msg", "lost",
                                                "tagged"))
    rate, ratio, cpu = {}, {}, {}
    for c in configs:
        rs = [by[(c, k)] for k in reps if (c, k) in by]
        rate[c] = statistics.median(r["delivered"] / r["seconds"] for r in rs)
        rr = [by[(c, k)]["delivered"] / by[(c, k)]["seconds"] /
              (by[("none", k)]["delivered"] / by[("none", k)]["seconds"])
              for k in reps if (c, k) in by and ("none", k) in by]
        ratio[c] = statistics.median(rr) if rr else None
        key = "lg_cpu_s" if c == "leakguard" else "peer_cpu_s"
        cpu[c] = (statistics.median(r[key] / max(r["delivered"], 1) * 1000 for r in rs)
                  if c != "none" else None)
        lost = sum(r["sent"] - r["delivered"] for r in rs)
        tagged = "%d/%d" % (sum(r["tagged"] for r in rs), sum(r["delivered"] for r in rs))
        out.append("   %-11s %9.1f %7s %13s %6d %9s" % (c, rate[c], fmt(ratio[c]),
                                                       fmt(cpu[c], "%.3f"), lost, tagged))
    if "leakguard" in configs:
        lg = [by[("leakguard", k)] for k in reps if ("leakguard", k) in by]
        t = times(OUTDIR, cls, sessions)
        hwm = max(r["lg_hwm_kb"] for r in lg) / 1024.0
        out.append("   leakguard: %.3f CPU s per 1,000 msgs, peak RSS %.1f MB, end of data to "
                   "verdict p50 %s ms, p99 %s ms (%d messages)"
                   % (cpu["leakguard"], hwm, fmt(percentile(t, 50), "%.2f"),
                      fmt(percentile(t, 99), "%.2f"), len(t)))
        tr, tcpu = TARGETS.get(cls, (None, None))
        checks = []
        if tr is not None and ratio.get("leakguard") is not None:
            checks.append("ratio %.2f >= %.2f %s" % (ratio["leakguard"], tr,
                                                      "ok" if ratio["leakguard"] >= tr else "MISSED"))
        peers = [rate[c] for c in ("rspamd", "mimedefang") if c in rate]
        if peers:
            best = max(peers)
            checks.append("%.2fx the faster peer (>= %.1fx) %s"
                          % (rate["leakguard"] / best, PEER_FACTOR,
                             "ok" if rate["leakguard"] >= PEER_FACTOR * best else "MISSED"))
        if tcpu is not None:
            checks.append("CPU %.3f ms <= %.1f ms %s" % (cpu["leakguard"], tcpu,
                                                         "ok" if cpu["leakguard"] <= tcpu else "MISSED"))
        if cls in ("small", "csv") and t:
            checks.append("p99 %.1f ms < 20 ms %s" % (percentile(t, 99),
                                                      "ok" if percentile(t, 99) < 20 else "MISSED"))
        if checks:
            out.append("   targets: " + "; ".join(checks))
    out.append("")


OUTDIR = None


def main():
    global OUTDIR
    if len(sys.argv) != 2:
        print("usage: report.py OUTDIR", file=sys.stderr)
        return 2
    OUTDIR = sys.argv[1]
    rows = load(OUTDIR)
    out = []
    classes = []
    for r in rows:
        if (r["class"], r["sessions"]) not in classes:
            classes.append((r["class"], r["sessions"]))
    for cls, s in classes:
        if s == max(x["sessions"] for x in rows) and len(classes) > 1 and \
                all(x["config"] == "leakguard" for x in rows if x["sessions"] == s) and \
                s != min(x["sessions"] for x in rows):
            runs = [x for x in rows if x["sessions"] == s]
            t = times(OUTDIR, cls, s)
            out.append("== peak RSS: %s class through leakguard with %d concurrent sessions: "
                       "%.1f MB (VmHWM); %d of %d delivered; verdict p99 %s ms"
                       % (cls, s, max(x["lg_hwm_kb"] for x in runs) / 1024.0,
                          sum(x["delivered"] for x in runs), sum(x["sent"] for x in runs),
                          fmt(percentile(t, 99))))
            out.append("   target: peak RSS < 200 MB %s" %
                       ("ok" if max(x["lg_hwm_kb"] for x in runs) < 200 * 1024 else "MISSED"))
            out.append("")
            continue
        report_class(out, rows, cls, s)
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
