import os, sys, tempfile, time, subprocess
from benchmarks.throwaway import postgres_database, smtp_sink
from benchmarks.bench_reminders import Sink, _seed_sessions
import benchmarks.bench_reminders as br
br.SESSIONS = int(os.environ.get("N", "200"))
sink = Sink()
sinkp = subprocess.Popen([sys.executable, "sink_tmp.py", "300"], stdout=subprocess.PIPE, text=True)
port = int(sinkp.stdout.readline())
with postgres_database("postgresql://postgres@127.0.0.1:5432/test_perf", "perf_prof") as url:
    env = {"DATABASE_URL": url, "PMCOHORT_INSTANCE_PATH": tempfile.mkdtemp(), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port),
           "OUTBOX_PUBLISH_ON_COMMIT": "0", "FLASK_APP": "pmcohort", "SECRET_KEY": "x"}
    os.environ.update(env); os.environ.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], check=True, capture_output=True)
    from pmcohort import create_app
    from pmcohort.core.extensions import db
    from pmcohort.notifications import reminders, outbox
    from pmcohort.notifications.models import OutboxMessage
    from sqlalchemy import select, event
    app = create_app()
    with app.app_context():
        _seed_sessions(db)
        reminders.send_due()
        ids = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
        n = [0]
        event.listen(db.engine, "before_cursor_execute", lambda *a: n.__setitem__(0, n[0]+1))
        from pyinstrument import Profiler
        p = Profiler(interval=0.0005); p.start()
        c, w = time.process_time(), time.perf_counter()
        for i in range(0, len(ids), outbox.DELIVERY_BATCH):
            outbox.deliver_batch(ids[i:i+outbox.DELIVERY_BATCH])
        c, w = time.process_time()-c, time.perf_counter()-w
        p.stop()
        time.sleep(0.5)
        sink.messages = 2*br.SESSIONS
        print(f"emails {sink.messages}: CPU {c/sink.messages*1000:.2f} ms/email, wall {w/sink.messages*1000:.2f}, SQL {n[0]/sink.messages:.1f}/email")
        if os.environ.get("SHOW"): print(p.output_text(unicode=True, color=False))
        db.session.remove(); db.engine.dispose()

sinkp.kill()
