#!/usr/bin/env python3
"""How often one node counts a product's stock (inventory/StockLevels) in a flash sale: a model, not a measurement.

Views arrive at V/s, the node's own stock changes (checkouts) at r/s, each commit takes w (from beforeCommit to the
end of its transaction), a count takes d, the level is kept for ttl. "old" is StockLevels before d61c4f4 (every change
drops the level when it runs and when it ends; a count during which a change ran or ended is not kept); "new" moves
the kept level by each committed change unless the count may hold it (d61c4f4); "moved+one-at-a-time" is today's:
while no level is kept, views during a count take it unless a change ended after it began. Prints counts per second for a node's share of docs/capacity.md's 3,000/s sale.
    python3 perf/stock-levels-model.py
"""
import random, heapq, sys
def sim(V, r, d, w, ttl=1.0, T=60.0, new=True, seed=1, flight=False):
    rnd = random.Random(seed)
    ev = []
    t = 0
    while t < T:
        t += rnd.expovariate(V); heapq.heappush(ev, (t, 1, 'view', None))
    t = 0
    while t < T:
        t += rnd.expovariate(r); heapq.heappush(ev, (t, 0, 'begin', None))
    level = None  # (loadedAt, changesSeen)
    committing = ended = 0
    counts = 0
    inflight = None  # the ended count when the count under way began (flight: later views take it)
    while ev:
        t, _, kind, data = heapq.heappop(ev)
        if kind == 'view':
            if level is not None and t - level[0] < ttl:
                continue
            if flight and inflight is not None and inflight == ended:
                continue
            counts += 1
            inflight = ended
            heapq.heappush(ev, (t + d, 2, 'countend', (t, ended)))
        elif kind == 'countend':
            start, endedBefore = data
            if inflight == endedBefore:
                inflight = None
            if ended == endedBefore:
                level = (start, committing)
        elif kind == 'begin':
            if not new:
                ended += 1; level = None  # old: the first bump drops at once
            committing += 1
            heapq.heappush(ev, (t + w, 0, 'end', committing))
        elif kind == 'end':
            ended += 1
            if level is not None:
                if not new or data <= level[1]:
                    level = None
    return counts / T
for V, r in [(217, 130), (770, 230), (400, 375), (770, 375)]:
    for d in (0.13e-3, 3.1e-3):
        print(f"views {V}/s changes {r}/s count {d*1e3:.2f} ms: old {sim(V,r,d,1e-3,new=False):.0f}/s"
              f" moved {sim(V,r,d,1e-3):.0f}/s moved+one-at-a-time {sim(V,r,d,1e-3,flight=True):.0f}/s")
