"""A randomized fault campaign against ``python -m runners.run``: signals, SIGKILL, full disks, read-only folders.

The goal (issue "Hostile data and faults"): after any runner fault, ``data/``
is either unchanged or holds exactly the complete new result, the runner's
message says which, and no process or temporary file is left.  Each round
builds (or reuses) a small project under a scratch folder: one benchmark with
1-3 implementations drawn from

* ``wall``: a ``python -c`` that sleeps a few milliseconds, timed whole;
* ``log``: a shell loop printing ``iteration N/M`` lines (the ``generic`` format);
* ``escape``: a command that leaves escaping grandchildren behind (``setsid``, a
  double fork, ``nohup``, ``setsid -f``, a Python double fork with ``setsid``),
  then prints the same iteration lines or is timed whole,

plus, sometimes, a benchmark-level set-up step.  It starts the runner
(``BENCHBENCH_CACHE`` and ``TMPDIR`` inside the project) and faults it:

``signal``
    one of SIGKILL, SIGTERM, SIGINT, SIGHUP at a moment uniform over the run's
    expected duration (the last clean run of that project);
``publish``
    the same, sent 0-5 ms after a file appears in ``results/`` or ``results/logs/``
    (the publishing moment);
``double``
    two signals 0-30 ms apart, at either kind of moment;
``concurrent``
    two runners on the same benchmark started together, each killed or not;
``readonly``
    the data folder, the benchmark's folder or its ``results/`` bind-mounted
    read-only in a mount namespace of its own (``unshare -m``), sometimes also signalled;
``fsize``
    a file-size limit (``RLIMIT_FSIZE``, 256 B-8 KiB, SIGXFSZ ignored) in the runner,
    as ``tests/test_faults.py`` makes a full disk;
``tmpfs``
    the data folder (and sometimes ``TMPDIR``) on a small tmpfs with 0-12 KiB left,
    in a mount namespace of its own.

Then it checks, and any failure is a violation:

1. ``data/`` is byte-identical to before, or differs only by new results, each a
   complete YAML file with its log under ``results/logs/``, at most one per
   implementation and runner, which load back with ``load_benchmark`` without
   problems (a log without its result, the documented leftover of a SIGKILL
   between the two links, is noted and must be gone after the next run);
2. the runner's output names exactly the new results (the summary's
   ``recorded ... -> NAME``, ``was recorded just before (NAME)``), says nothing was
   recorded otherwise (unless it died by a signal), has no ``Traceback``, and its
   exit status is 0, 1 or 130 (or the signal that killed it);
3. within 8 s, no process of the round is left (every process carries the
   round's tag in its environment; the commands' sleepers are ``sleep 317.*``);
4. no temporary file or folder is left: nothing whose name starts with ``.`` in
   ``data/``, nothing in ``TMPDIR``, nothing in the cache but what the runner
   documents there (``work/``, ``failed/*.log``, ``checkouts/``, ``slurm/``, ``*.lock``);
5. a next run, without the fault, succeeds, records exactly one more result per
   implementation, and leaves none of the leftovers of 1 and 4.

Usage (as root, on Linux, with ``unshare`` and ``nsenter``; the runs are one at a time)::

    .venv/bin/python benchmarks/faults.py --rounds 150 --seed 1
    .venv/bin/python benchmarks/faults.py --seed 1 --round 17 --keep   # one round again, its folder kept

It prints one line per round and a table of outcomes per fault kind, and exits
1 on any violation, naming the seed and round that reproduce it.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import gzip
import hashlib
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sphinx_benchbench.data.loader import load_benchmark  # noqa: E402

BENCH = "faults"
KINDS = ("signal", "publish", "double", "concurrent", "readonly", "fsize", "tmpfs")
WEIGHTS = (5, 4, 2, 2, 1, 1, 1)
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
#: What the runner documents keeping in its cache (``runners/cache.py``, ``engine/orchestrate.py``).
CACHE_OK = re.compile(r"^(work(/.*)?|failed|failed/[^/]+\.log|checkouts(/.*)?|slurm(/.*)?|[^/]+\.lock)$")
RECORDED = re.compile(r"^\s+\S+/(\S+)\s+recorded\s.*-> (\S+\.yaml)\s*$", re.M)
JUST_BEFORE = re.compile(r"interrupted: \S+/(\S+) was recorded just before \((\S+\.yaml)\)")
NOTHING = re.compile(r"interrupted: \S+/(\S+) was stopped; nothing was recorded for it")
OUR_LOG = re.compile(r"^results/logs/(\d{8}T\d{6}Z-[a-z0-9._-]+)\.log\.gz$")
GRACE = 8.0


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its content hash (folders as ``dir``)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink():
            out[rel] = "link:" + os.readlink(p)
        elif p.is_dir():
            out[rel] = "dir"
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def files(snap: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in snap.items() if v != "dir"}


@dataclass
class Project:
    """A scratch project: ``vol/data/faults`` (``vol`` may become a tmpfs), its cache and temporary folder."""

    root: Path
    impls: list[str]
    setup: bool
    tag: str
    rounds: int = 0
    estimate: float = 4.0

    @property
    def vol(self) -> Path:
        return self.root / "vol"

    @property
    def data(self) -> Path:
        return self.vol / "data"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"


def escape_command(rng: random.Random, marker: str) -> str:
    """A shell prefix that leaves grandchildren running ``sleep MARKER`` that escape their parent."""
    ways = [
        f"setsid sleep {marker} >/dev/null 2>&1 &",
        f"( sleep {marker} >/dev/null 2>&1 & ) ;",
        f"nohup sleep {marker} >/dev/null 2>&1 &",
        f"setsid -f sleep {marker} >/dev/null 2>&1 ;",
        "python -c \"import os, sys; os.fork() and sys.exit(); os.setsid(); os.fork() and sys.exit(); "
        f"os.execvp('sleep', ['sleep', '{marker}'])\" >/dev/null 2>&1 ;",
    ]
    return " ".join(rng.sample(ways, rng.randint(1, 3)))


def make_project(root: Path, rng: random.Random, tag: str, marker: str) -> Project:
    """A benchmark of 1-3 implementations (``wall``, ``log``, ``escape``), and maybe a set-up step."""
    impls = rng.sample(["wall", "log", "escape"], rng.randint(1, 3))
    setup = rng.random() < 0.3
    iters = rng.randint(4, 8)
    pause = rng.choice(["0.01", "0.03", "0.05"])
    loop = f"for i in $(seq 1 {iters}); do echo iteration $i/{iters}; sleep {pause}; done"
    log_run = ("      log: {format: generic, options: {pattern: '^iteration (?P<iteration>\\d+)/'}}\n"
               "      items_per_iteration: 1\n      shell: true\n")
    wall_run = f"      wall: {{warmup: 1, min_runs: {rng.randint(2, 5)}, min_time: 0}}\n      items_per_iteration: 1\n"
    blocks = []
    for impl in impls:
        if impl == "wall":
            command, run = f"python -c \"import time; time.sleep(0.00{rng.randint(1, 9)})\"", wall_run
        elif impl == "log":
            command, run = loop, log_run
            if rng.random() < 0.5:
                run += "      stop_after_window: false\n"
        else:
            escapes = escape_command(rng, marker)
            if rng.random() < 0.6:
                command, run = f"{escapes} {loop}", log_run + "      stop_after_window: false\n"
            else:
                command, run = f"{escapes} sleep 0.0{rng.randint(1, 5)}", wall_run + "      shell: true\n"
        blocks.append(f"  - id: {impl}\n    name: {impl}\n    commands: [{json.dumps(command)}]\n"
                      f"    run:\n{run}      timeout: 30\n")
    text = textwrap.dedent("""\
        title: Faults
        metric: {label: Speed, unit: it/s, direction: higher}
        measurement:
          description: Iterations per second over 1-3, or runs per second.
          window: {start: 1, end: 3}
        """)
    if setup:
        text += ("setup:\n  - purpose: Make the input.\n"
                 "    run: python -c \"open('input.txt', 'w').write('x' * 1000)\"\n")
    text += "implementations:\n" + "".join(blocks)
    (root / "vol/data" / BENCH).mkdir(parents=True)
    (root / "vol/data" / BENCH / "benchmark.yaml").write_text(text, encoding="utf-8")
    (root / "tmp").mkdir()
    (root / "out").mkdir()
    return Project(root, impls, setup, tag)


# Processes


def tagged(tag: str) -> dict[int, str]:
    """Processes whose environment carries ``BB_FAULTS_TAG=tag``, with their command lines."""
    needle = f"BB_FAULTS_TAG={tag}\0".encode()
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as f:
                env = f.read()
            if needle not in env:
                continue
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0].decode()
        except OSError:
            continue
        if state != "Z":
            found[int(entry.name)] = cmd
    return found


def sleepers(marker_prefix: str) -> list[int]:
    done = subprocess.run(["pgrep", "-f", f"sleep {re.escape(marker_prefix)}"], capture_output=True, text=True,
                          check=False)
    return [int(p) for p in done.stdout.split()]


def wait_no_process(tag: str, marker_prefix: str, seconds: float = GRACE) -> dict[int, str]:
    """What of the round still runs after ``seconds``; killed then, so the next round starts clean."""
    deadline = time.monotonic() + seconds
    while True:
        left = tagged(tag)
        for pid in sleepers(marker_prefix):
            with contextlib.suppress(OSError):
                left.setdefault(pid, Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


# Namespaces: a holder process keeps a mount namespace alive; runners enter it with nsenter.


class Namespace:
    """A private mount namespace with ``script`` run in it (mounts), kept alive by a sleeping shell."""

    def __init__(self, script: str) -> None:
        self.proc = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                      f"{script} && echo ready && exec sleep 100000"],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env={"PATH": os.environ["PATH"]})
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if line.strip() != "ready":
            self.proc.kill()
            raise RuntimeError(f"namespace set-up failed: {self.proc.stderr.read() if self.proc.stderr else ''}")

    def prefix(self) -> list[str]:
        return ["nsenter", "-t", str(self.proc.pid), "-m", f"--wd={REPO}", "--"]

    def path(self, p: Path) -> Path:
        """``p`` as the namespace sees it."""
        return Path(f"/proc/{self.proc.pid}/root") / str(p).lstrip("/")

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


# Running


@dataclass
class Started:
    proc: subprocess.Popen[bytes]
    out: Path
    started: float
    #: The signals sent and when, or ``(SIGX late)`` for one the runner had exited before.
    sent: list[str] = field(default_factory=list)

    def text(self) -> str:
        return self.out.read_text(encoding="utf-8", errors="replace")


def start(project: Project, name: str, ns: Namespace | None = None, fsize: int | None = None,
          tmpdir: Path | None = None) -> Started:
    env = {**os.environ, "BENCHBENCH_CACHE": str(project.cache), "TMPDIR": str(tmpdir or project.tmp),
           "BB_FAULTS_TAG": project.tag, "NO_COLOR": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("COVERAGE") and k != "BENCHBENCH_WORK"}

    def limit() -> None:
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    out = project.root / "out" / f"{name}.txt"
    argv = [*(ns.prefix() if ns else []), sys.executable, "-m", "runners.run", BENCH, "--data", str(project.data)]
    with open(out, "wb") as f:
        proc = subprocess.Popen(argv, cwd=REPO, stdout=f, stderr=subprocess.STDOUT, env=env, preexec_fn=limit)
    return Started(proc, out, time.monotonic())


def results_count(folder: Path) -> int:
    n = 0
    for sub in (folder, folder / "logs"):
        with contextlib.suppress(OSError):
            n += sum(1 for _ in os.scandir(sub))
    return n


def busy_wait(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def exited(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie not yet waited for): a signal then reaches nothing."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except OSError:
        return True


def fault(run: Started, rng: random.Random, mode: str, estimate: float, results: Path, two: bool) -> None:
    """Send the round's signal(s) to ``run``: at a uniform moment, or 0-5 ms after a file of the recording."""
    if mode == "uniform":
        deadline = run.started + rng.uniform(0, 1.15 * estimate)
        while time.monotonic() < deadline and run.proc.poll() is None:
            time.sleep(min(0.005, max(0.0, deadline - time.monotonic())))
    else:
        base = results_count(results)
        k = rng.randint(1, 3)
        deadline = run.started + 4 * estimate + 5
        while results_count(results) < base + k and run.proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0002)
        busy_wait(rng.uniform(0, 0.005))
    sigs = [rng.choice(SIGNALS)]
    if two:
        sigs.append(rng.choice(SIGNALS))
    gap = rng.choice([0.0005, 0.03])  # the second within microseconds, or within a few milliseconds
    for n, sig in enumerate(sigs):
        if n:
            busy_wait(rng.uniform(0, gap))
        if run.proc.poll() is not None or exited(run.proc.pid):
            run.sent.append(f"({sig.name} late)")
            continue
        run.proc.send_signal(sig)
        run.sent.append(f"{sig.name}@{time.monotonic() - run.started:.3f}s")


def finish(run: Started, timeout: float = 90) -> int:
    try:
        return run.proc.wait(timeout)
    except subprocess.TimeoutExpired:
        run.proc.kill()
        run.proc.wait()
        run.sent.append("HUNG")
        return -999


# Checks


def load(data: Path, ns: Namespace | None) -> tuple[list[str], int]:
    """``load_benchmark``'s problems and the number of results; in ``ns`` when given (``data`` as seen from
    here then: a path through ``/proc/PID/root``, which the loader's own path checks would leave)."""
    if ns is None:
        bench, found = load_benchmark(data, BENCH)
        return [str(p) for p in found], -1 if bench is None else len(bench.results)
    code = ("import json, sys; from sphinx_benchbench.data.loader import load_benchmark; "
            f"b, p = load_benchmark(sys.argv[1], {BENCH!r}); "
            "print(json.dumps([[str(x) for x in p], -1 if b is None else len(b.results)]))")
    inner = str(data).split("/root", 1)[1]
    done = subprocess.run([*ns.prefix(), sys.executable, "-c", code, inner], capture_output=True, text=True,
                          check=False, cwd=REPO)
    try:
        found, count = json.loads(done.stdout)
    except ValueError:
        return [f"could not load: {done.stderr[-300:]}"], -1
    return found, count


def check_data(before: dict[str, str], after: dict[str, str], data: Path, impls: list[str], runners: int,
               problems: list[str], notes: list[str], ns: Namespace | None) -> tuple[set[str], set[str]]:
    """Invariant 1: unchanged, or only new complete results; the new result names, and orphan logs left."""
    prefix = f"{BENCH}/"
    removed = sorted(set(before) - set(after))
    changed = sorted(k for k in set(before) & set(after) if before[k] != after[k])
    # what the next recording is documented to remove: orphan logs (a SIGKILL between the two links)
    removable = {k for k in removed if OUR_LOG.match(k.removeprefix(prefix))
                 and f"{prefix}results/{OUR_LOG.match(k.removeprefix(prefix))[1]}.yaml" not in before}
    if set(removed) - removable or changed:
        problems.append(f"data changed: removed {sorted(set(removed) - removable)}, changed {changed}")
    new = {k for k in set(after) - set(before) if after[k] != "dir"}
    new_dirs = {k for k in set(after) - set(before) if after[k] == "dir"}
    yamls = {k for k in new if re.fullmatch(rf"{prefix}results/[^/.][^/]*\.yaml", k)}
    logs = {k for k in new if re.fullmatch(rf"{prefix}results/logs/[^/.][^/]*\.log\.gz", k)}
    orphans = set()
    for log in logs:
        stem = log.removeprefix(f"{prefix}results/logs/").removesuffix(".log.gz")
        if f"{prefix}results/{stem}.yaml" not in after:
            orphans.add(log)
    if orphans:
        notes.append(f"orphan log(s) {sorted(orphans)} (documented: SIGKILL between the links)")
    for y in yamls:
        stem = y.removeprefix(f"{prefix}results/").removesuffix(".yaml")
        if f"{prefix}results/logs/{stem}.log.gz" not in after:
            problems.append(f"new result {y} without its log")
    stray = new - yamls - logs
    if stray:
        problems.append(f"unexpected new files in data: {sorted(stray)}")
    stray_dirs = new_dirs - {f"{prefix}results", f"{prefix}results/logs"}
    if stray_dirs:
        problems.append(f"unexpected new folders in data: {sorted(stray_dirs)}")
    if f"{prefix}results/logs" in new_dirs and not logs and not any(k.startswith(f"{prefix}results/logs/")
                                                                     for k in after if k not in new_dirs):
        problems.append("an empty results/logs/ was left")
    if f"{prefix}results" in new_dirs and not yamls and not logs and not orphans:
        problems.append("an empty results/ was left")
    per_impl = collections.Counter(re.sub(r"^\d{8}T\d{6}Z-|(-\d+)?\.yaml$", "", Path(y).name) for y in yamls)
    for impl, n in per_impl.items():
        if impl not in impls or n > runners:
            problems.append(f"{n} new result(s) for {impl!r} from {runners} runner(s)")
    if yamls:
        for y in sorted(logs - orphans):
            try:
                gzip.decompress((data / y).read_bytes())
            except (OSError, EOFError) as exc:
                problems.append(f"new log {y} is not complete gzip: {exc}")
        found, count = load(data, ns)
        if found:
            problems.append(f"load_benchmark problems: {found[:3]}")
        elif count != sum(1 for k in after if re.fullmatch(rf"{prefix}results/[^/.][^/]*\.yaml", k)):
            problems.append("the results do not all load back")
    return {Path(y).name for y in yamls}, {Path(o).name for o in orphans}


def check_message(run: Started, rc: int, problems: list[str]) -> tuple[set[str], bool]:
    """Invariant 2: what the runner says it recorded (names), and whether it said anything at all."""
    text = run.text()
    if "Traceback" in text:
        problems.append("Traceback in the output: " + text[text.index("Traceback"):][:600].replace("\n", " | "))
    if rc not in (0, 1, 130) and rc >= 0:
        problems.append(f"exit status {rc}")
    claimed = {m[2] for m in RECORDED.finditer(text)} | {m[2] for m in JUST_BEFORE.finditer(text)}
    said = bool(claimed) or bool(NOTHING.search(text)) or "interrupted (" in text or "FAILED" in text \
        or "Summary:" in text
    return claimed, said


def check_left(project: Project, data: Path, tmp: Path, problems: list[str], allow_filler: bool = False) -> None:
    """Invariant 4: no temporary file in ``data/``, in ``TMPDIR``, or in the cache beyond its documented content."""
    dots = [str(p.relative_to(data)) for p in data.rglob(".*")
            if not (allow_filler and p.name == ".filler" and p.parent == data)]
    if dots:
        problems.append(f"temporary entries in data/: {sorted(dots)}")
    if tmp.exists():
        inside = sorted(str(p.relative_to(tmp)) for p in tmp.rglob("*"))
        if inside:
            problems.append(f"left in TMPDIR: {inside[:10]}")
    if project.cache.exists():
        odd = sorted(rel for p in project.cache.rglob("*") if not CACHE_OK.match(rel := str(p.relative_to(
            project.cache))))
        if odd:
            problems.append(f"undocumented cache content: {odd[:10]}")
    extra = sorted(p.name for p in project.root.iterdir() if p.name not in ("vol", "cache", "tmp", "out"))
    if extra:
        problems.append(f"new files in the project folder: {extra}")


@dataclass
class Outcome:
    kind: str
    label: str
    problems: list[str]
    notes: list[str]
    #: Not a broken invariant, but not as documented either (an exit status).
    findings: list[str] = field(default_factory=list)


class Campaign:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.base = Path(args.workdir or tempfile.mkdtemp(prefix="bb-faults-"))
        self.base.mkdir(parents=True, exist_ok=True)
        self.pool: list[Project] = []
        self.estimates: dict[int, float] = {}
        self.marker_prefix = f"317.{os.getpid() % 100000:05d}"

    def project_for(self, n: int, rng: random.Random, fresh: bool) -> tuple[Project, str]:
        tag = f"{self.args.seed}-{n}-{os.getpid()}"
        marker = f"{self.marker_prefix}{n:04d}"
        reuse = [p for p in self.pool if p.rounds < 4]
        if rng.random() < 0.6 and reuse and not fresh:
            project = rng.choice(reuse)
            project.tag = tag
            # the sleepers' marker is in the benchmark: renumber it for this round
            bench = project.data / BENCH / "benchmark.yaml"
            bench.write_text(re.sub(r"sleep 317\.\d+", f"sleep {marker}", bench.read_text()), encoding="utf-8")
            (project.root / "out").mkdir(exist_ok=True)
            return project, marker
        project = make_project(self.base / f"round-{n}", rng, tag, marker)
        project.estimate = self.estimates.get(len(project.impls), 0.3 + 0.5 * len(project.impls))
        return project, marker

    def clean_run(self, project: Project, name: str, ns: Namespace | None, data: Path, tmp: Path | None,
                  problems: list[str], orphans: set[str]) -> None:
        """Invariant 5: a next run without the fault records one result per implementation, leftovers gone."""
        before = snapshot(data)
        run = start(project, name, ns, tmpdir=tmp)
        rc = finish(run, 120)
        took = time.monotonic() - run.started
        after = snapshot(data)
        text = run.text()
        if rc != 0:
            problems.append(f"next run: exit status {rc}: {text[-800:]!r}")
            return
        project.estimate = took
        self.estimates[len(project.impls)] = took
        added = set(files(after).keys() - files(before).keys())
        gone = set(files(before).keys() - files(after).keys())
        yamls = {k for k in added if k.endswith(".yaml")}
        if len(yamls) != len(project.impls) or len(added) != 2 * len(project.impls):
            problems.append(f"next run added {sorted(added)}, expected one result and log per implementation")
        expected_gone = {f"{BENCH}/results/logs/{o}" for o in orphans}
        if gone != expected_gone:
            problems.append(f"next run removed {sorted(gone)}, expected {sorted(expected_gone)}")
        if "Traceback" in text:
            problems.append("next run: Traceback in the output")
        claimed = {m[2] for m in RECORDED.finditer(text)}
        if claimed != {Path(y).name for y in yamls}:
            problems.append(f"next run claimed {sorted(claimed)}, added {sorted(yamls)}")
        found, count = load(data, ns if ns is not None and str(data).startswith("/proc/") else None)
        if found or count < 0:
            problems.append(f"next run: data does not load: {found[:3]}")

    def round(self, n: int) -> Outcome:
        rng = random.Random(f"{self.args.seed}-{n}")
        kind = rng.choices(KINDS, WEIGHTS)[0]
        kind = self.args.kind or kind
        fresh = kind in ("tmpfs",)
        project, marker = self.project_for(n, rng, fresh)
        project.rounds += 1
        problems: list[str] = []
        notes: list[str] = []
        findings: list[str] = []
        ns: Namespace | None = None
        data, tmp = project.data, project.tmp
        fsize = None
        mode = "publish" if kind == "publish" or (kind == "double" and rng.random() < 0.5) else "uniform"
        signalled = kind in ("signal", "publish", "double") or (kind in ("readonly", "fsize", "tmpfs")
                                                                and rng.random() < 0.3)
        label = f"{'+'.join(project.impls)}{'+setup' if project.setup else ''}"
        try:
            if kind == "readonly":
                target = rng.choice([project.data, project.data / BENCH, project.data / BENCH / "results"])
                if not target.exists():
                    target = project.data / BENCH
                ns = Namespace(f"mount --bind {target} {target} && mount -o remount,ro,bind {target} {target}")
                label += f" ro:{target.relative_to(project.vol)}"
            elif kind == "tmpfs":
                stage = project.root / "stage"
                shutil.move(project.data, stage)
                project.data.mkdir()
                ns = Namespace(f"mount -t tmpfs -o size=256k tmpfs {project.vol} && cp -a {stage} {project.data}")
                shutil.rmtree(stage)
                data = ns.path(project.data)
                if rng.random() < 0.5:
                    tmp = project.vol / "tmp"
                    ns.path(tmp).mkdir()
                free = rng.randint(0, 12) * 1024
                filler = data / ".filler"
                with open(filler, "wb") as f, contextlib.suppress(OSError):
                    while True:
                        st = os.statvfs(data)
                        left = st.f_bavail * st.f_frsize - free
                        if left <= 0:
                            break
                        f.write(b"\0" * min(left, 65536))
                        f.flush()
                label += f" free:{free // 1024}k{' tmp-on-tmpfs' if tmp != project.tmp else ''}"
            elif kind == "fsize":
                fsize = rng.choice([256, 1024, 2048, 4096, 8192])
                label += f" fsize:{fsize}"
            before = snapshot(data)
            view_tmp = ns.path(tmp) if ns and kind == "tmpfs" else tmp
            runs = [start(project, f"r{n}-a", ns, fsize, tmp)]
            if kind == "concurrent":
                runs.append(start(project, f"r{n}-b", ns, fsize, tmp))
            results = data / BENCH / "results"
            for run in runs:
                if signalled or (kind == "concurrent" and rng.random() < 0.6):
                    fault(run, rng, mode, project.estimate, results, kind == "double")
            codes = [finish(run) for run in runs]
            after = snapshot(data)
            new, orphans = check_data(before, after, data, project.impls, len(runs), problems, notes,
                                      ns if kind == "tmpfs" else None)
            claimed_all: set[str] = set()
            for run, rc in zip(runs, codes, strict=True):
                claimed, said = check_message(run, rc, problems)
                if claimed & claimed_all:
                    problems.append(f"two runners claim {sorted(claimed & claimed_all)}")
                claimed_all |= claimed
                if "HUNG" in run.sent:
                    problems.append("the runner hung (killed after 90 s)")
                if rc >= 0 and not said:
                    problems.append(f"runner exited {rc} without saying what it recorded: {run.text()[-300:]!r}")
                if rc < 0 and f"{signal.Signals(-rc).name}@" not in " ".join(run.sent) and rc != -999:
                    problems.append(f"runner died by {signal.Signals(-rc).name}, not sent")
                if rc < 0 and rc != -signal.SIGKILL and rc != -999:
                    when = "after its summary" if "Summary:" in run.text() else "before its handlers?"
                    notes.append(f"died by {signal.Signals(-rc).name} ({when})")
                    if "Summary:" in run.text():
                        findings.append(f"exit status {rc} (killed by {signal.Signals(-rc).name} after the "
                                        "summary was printed), not 130")
                label_sent = " ".join(run.sent) or "-"
                notes.append(f"rc={rc} sent={label_sent}")
            killed = [rc < 0 for rc in codes]
            if not any(killed) and claimed_all != new:
                problems.append(f"output claims {sorted(claimed_all)}, data gained {sorted(new)}")
            elif any(killed) and claimed_all - new:
                problems.append(f"output claims {sorted(claimed_all - new)}, not in data")
            elif any(killed) and len(runs) == 2:
                unclaimed = new - claimed_all
                live = [r for r, k in zip(runs, killed, strict=True) if not k]
                if unclaimed and live and not all(killed):
                    notes.append(f"unclaimed {sorted(unclaimed)} (a killed runner's?)")
            left = wait_no_process(project.tag, marker)
            if left:
                problems.append(f"processes left after {GRACE:.0f} s: {sorted(left.items())[:6]}")
            check_left(project, data, view_tmp, problems, allow_filler=kind == "tmpfs")
            # the next, clean run, in the same place
            if kind == "tmpfs":
                (data / ".filler").unlink()
            if kind == "readonly":
                assert ns is not None
                ns.close()
                ns = None
            self.clean_run(project, f"r{n}-next", ns, data, tmp, problems, orphans)
            left = wait_no_process(project.tag, marker)
            if left:
                problems.append(f"next run: processes left: {sorted(left.items())[:6]}")
            check_left(project, data, view_tmp, problems)
        finally:
            if ns is not None:
                ns.close()
        if problems:
            project.rounds = 99  # not reused
            if project in self.pool:
                self.pool.remove(project)
        elif kind != "tmpfs" and project not in self.pool:
            self.pool.append(project)
        if kind == "tmpfs" and not problems and not self.args.keep:
            shutil.rmtree(project.root, ignore_errors=True)
        return Outcome(kind, label, problems, notes, findings)

    def run(self) -> int:
        rounds = [self.args.round] if self.args.round is not None else range(self.args.rounds)
        table: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
        violations = []
        t0 = time.monotonic()
        for n in rounds:
            if self.args.round is None and self.args.minutes and time.monotonic() - t0 > 60 * self.args.minutes:
                print(f"stopping after {self.args.minutes} minutes")
                break
            out = self.round(n)
            verdict = "VIOLATION" if out.problems else "ok"
            table[out.kind][verdict] += 1
            for note in out.notes:
                if note.startswith("rc="):
                    table[out.kind][note.split()[0]] += 1
                if "orphan" in note:
                    table[out.kind]["orphan-log"] += 1
            print(f"round {n:4d} {out.kind:10s} {verdict:9s} {out.label:40s} {'; '.join(out.notes)}", flush=True)
            for p in out.problems:
                print(f"    ! {p}", flush=True)
            for p in out.findings:
                print(f"    ? {p}", flush=True)
                table[out.kind]["finding"] += 1
            if out.problems:
                violations.append((n, out))
        print(f"\n{'kind':12s} {'rounds':>6s} {'ok':>4s} {'viol':>4s}  exit statuses")
        for kind in KINDS:
            c = table.get(kind)
            if not c:
                continue
            total = c["ok"] + c["VIOLATION"]
            codes = ", ".join(f"{k.removeprefix('rc=')}: {v}" for k, v in sorted(c.items()) if k.startswith("rc="))
            orph = f"; orphan logs: {c['orphan-log']}" if c["orphan-log"] else ""
            orph += f"; findings: {c['finding']}" if c["finding"] else ""
            print(f"{kind:12s} {total:6d} {c['ok']:4d} {c['VIOLATION']:4d}  {codes}{orph}")
        print(f"\nfolder: {self.base}")
        for n, out in violations:
            print(f"VIOLATION seed {self.args.seed} round {n} ({out.kind}, {out.label}): rerun with "
                  f"--seed {self.args.seed} --round {n} --kind {out.kind}")
        if not violations and not self.args.keep:
            shutil.rmtree(self.base, ignore_errors=True)
        return 1 if violations else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=150, help="rounds to run (default 150)")
    parser.add_argument("--seed", type=int, default=1, help="the campaign's random seed (default 1)")
    parser.add_argument("--round", type=int, help="run only this round of the seed (its project made afresh)")
    parser.add_argument("--kind", choices=KINDS, help="only this fault kind")
    parser.add_argument("--minutes", type=float, default=0, help="stop starting rounds after this many minutes")
    parser.add_argument("--workdir", help="scratch folder (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder even when all is well")
    args = parser.parse_args()
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("nsenter"):
        parser.error("needs root, unshare and nsenter (mount namespaces)")
    return Campaign(args).run()


if __name__ == "__main__":
    sys.exit(main())
