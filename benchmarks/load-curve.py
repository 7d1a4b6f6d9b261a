#!/usr/bin/env python3
"""The load curve chart in docs/benchmarks.md, drawn from `store load` reports (report.json), one per rate:

    benchmarks/load-curve.py "TITLE" OUT.svg RUN/report.json...

Latency (accepted -> CONFIRMED p50 and p99, accepted -> visible in the views p50) on a log scale on the left,
the store's CPU per accepted checkout on the right, by rate. Plain SVG, no libraries."""
import json
import math
import sys

title, out, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = sorted((json.load(open(p)) for p in paths), key=lambda r: r["settings"]["rate"])
W, H, L, R, T, B = 760, 420, 70, 690, 40, 360
rates = [r["settings"]["rate"] for r in runs]
lo, hi = math.log10(min(rates)) - 0.1, math.log10(max(rates)) + 0.1
x = lambda rate: L + (math.log10(rate) - lo) / (hi - lo) * (R - L)
y_ms = lambda ms: B - (math.log10(max(ms, 1)) - 1) / 4 * (B - T)  # 10 ms .. 100 s
cpu_top = max(150, max(r["store"]["cpuMillisPerCheckout"] for r in runs) * 1.1)
y_cpu = lambda ms: B - ms / cpu_top * (B - T)
svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>']
for ms in (10, 100, 1000, 10000, 100000):
    svg.append(f'<line x1="{L}" x2="{R}" y1="{y_ms(ms):.1f}" y2="{y_ms(ms):.1f}" stroke="#ddd"/>')
    svg.append(f'<text x="{L - 6}" y="{y_ms(ms) + 4:.1f}" text-anchor="end">{ms:,} ms</text>')
for ms in range(0, int(cpu_top) + 1, 50):
    svg.append(f'<text x="{R + 6}" y="{y_cpu(ms) + 4:.1f}" fill="#b35900">{ms} ms</text>')
for rate in rates:
    svg.append(f'<line x1="{x(rate):.1f}" x2="{x(rate):.1f}" y1="{T}" y2="{B}" stroke="#eee"/>')
    svg.append(f'<text x="{x(rate):.1f}" y="{B + 18}" text-anchor="middle">{rate:g}/s</text>')
svg.append(f'<text x="{(L + R) / 2}" y="{B + 36}" text-anchor="middle">checkouts started per second (open loop)</text>')
series = [("accepted → CONFIRMED p50", "#1f5fa8", lambda r: r["acceptedToConfirmed"].get("p50"), y_ms, ""),
          ("accepted → CONFIRMED p99", "#1f5fa8", lambda r: r["acceptedToConfirmed"].get("p99"), y_ms, "5,4"),
          ("accepted → visible in the views p50", "#2e8b57", lambda r: r["acceptedToVisible"].get("p50"), y_ms, ""),
          ("store CPU per accepted checkout (right axis)", "#b35900", lambda r: r["store"]["cpuMillisPerCheckout"], y_cpu, "2,3")]
for i, (name, colour, value, y, dash) in enumerate(series):
    points = [(x(r["settings"]["rate"]), y(value(r))) for r in runs if value(r) is not None]
    path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    svg.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2" stroke-dasharray="{dash}"/>')
    svg += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}"/>' for px, py in points]
    svg.append(f'<line x1="{L + 10}" x2="{L + 40}" y1="{T + 12 + i * 16}" y2="{T + 12 + i * 16}" stroke="{colour}" '
               f'stroke-width="2" stroke-dasharray="{dash}"/>')
    svg.append(f'<text x="{L + 46}" y="{T + 16 + i * 16}">{name}</text>')
for r in runs:
    refused = sum(r["refused"].values()) if isinstance(r["refused"], dict) else 0
    if refused:
        svg.append(f'<text x="{x(r["settings"]["rate"]):.1f}" y="{B - 8}" text-anchor="middle" fill="#a00">'
                   f'{refused:,} refused</text>')
svg.append("</svg>")
open(out, "w").write("\n".join(svg) + "\n")
