import sys, time
from benchmarks.throwaway import smtp_sink
from benchmarks.bench_reminders import Sink
s = Sink()
with smtp_sink(s) as port:
    print(port, flush=True)
    time.sleep(float(sys.argv[1]))
