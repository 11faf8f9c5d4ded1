"""A fake trainer: prints progress in a real log format with known iteration times.

Iteration ``i`` completes at exactly ``t0 + d_1 + ... + d_i`` (the loop sleeps
to absolute deadlines, so sleep overshoot never accumulates), so the true time
of any window is known and the runner's measurement can be checked against it.
With ``--vary`` the times differ from iteration to iteration (and the first is
slow, as a real warm-up is), and every format prints its timing with the
meaning its implementation gives it -- detectron2 a cumulative mean after two
warm-up iterations, maskrcnn-benchmark a median and a mean since the start,
mmcv the mean since the previous line, torchvision the mean of the last 20,
Detectron a mean since its reset after iteration 21 -- so a parser that
misreads a format's timing disagrees with the runner's clock.  Flags make it
misbehave the ways real trainers do.
"""

from __future__ import annotations

import argparse
import itertools
import os
import signal
import sys
import time

FORMATS = {
    "generic": "iteration {i}/{n} time: {interval:.6f}",
    "detectron2": ("[03/15 07:48:04 d2.utils.events]:  eta: 0:01:23  iter: {i0}  total_loss: 1.475  "
                   "loss_cls: 0.7214  time: {since3:.4f}  data_time: 0.0012  lr: 0.0002  max_mem: 1234M"),
    "maskrcnn-benchmark": ("2020-05-01 10:00:00,000 maskrcnn_benchmark.trainer INFO: eta: 1 day, 0:30:00  "
                           "iter: {i}  loss: 1.2000 (1.3000)  time: {median20:.4f} ({since0:.4f})  "
                           "data: 0.0100 (0.0100)  lr: 0.020000  max mem: 3000"),
    "mmdetection": ("2020-05-01 10:00:00,000 - mmdet - INFO - Epoch [{epoch}][{ie}/{per}]\tlr: 2.000e-02, "
                    "eta: 1:00:00, time: {interval:.3f}, data_time: 0.010, memory: 3000, loss: 1.0000"),
    "torchvision": ("Epoch: [{epoch0}]  [{ie0:4d}/{per}]  eta: {eta}  lr: 0.020000  loss: 1.0000 (1.1000)  "
                    "time: {last20:.4f}  data: 0.0100  max mem: 3000"),
    "detectron": ('json_stats: {{"eta": "1:00:00", "iter": {i0}, "loss": "1.000000", "lr": "0.020000", '
                  '"time": "{detectron:.6f}"}}'),
}
#: When each format prints, as its implementation does: ``(i, ie, per_epoch, every)`` with ``i`` the 1-based
#: iteration and ``ie`` the 0-based one within its epoch.  Others print at every ``every``-th and the first.
SCHEDULES = {
    "mmdetection": lambda i, ie, n, k: (ie + 1) % k == 0,  # every_n_inner_iters; ignore_last
    "torchvision": lambda i, ie, n, k: ie % k == 0 or ie == n - 1,  # log_every
    "detectron": lambda i, ie, n, k: (i - 1) % k == 0,  # cur_iter % LOG_PERIOD == 0
}
#: Relative deviations of the iteration times with --vary, cycled.
PATTERN = [0.0, 0.6, -0.4, 0.2, -0.6, 0.4, -0.2]


def durations(args: argparse.Namespace) -> list[float]:
    """The true time of each iteration."""
    if not args.vary:
        return [args.seconds] * args.iterations
    out = [args.seconds * (1 + args.vary * PATTERN[i % len(PATTERN)]) for i in range(args.iterations)]
    out[0] *= 3  # a slow first iteration, as in a real warm-up
    return out


def printed(d: list[float], c: list[float], i: int, ie0: int, per: int, last_print: int) -> dict[str, object]:
    """What each format prints as its time after iteration ``i`` (1-based), from the true times ``d``.

    ``c`` holds their running sums (``c[k]`` = ``sum(d[:k])``), so a mean over any stretch costs
    the same at iteration 100 000 as at 10: a long schedule is not slowed by its own bookkeeping.
    """

    def mean(a: int, b: int) -> float:
        return (c[b] - c[a]) / (b - a)

    epoch_start = i - 1 - ie0
    epoch_mean = mean(epoch_start, i)
    eta = int(epoch_mean * (per - ie0))
    return {
        "interval": mean(last_print, i),  # mmcv, generic: since the previous printed line
        "since3": mean(2, i) if i > 2 else 0.0,  # detectron2: IterationTimer leaves out two iterations
        "since0": mean(0, i),  # maskrcnn-benchmark's global average
        "median20": sorted(d[max(0, i - 20):i])[len(d[max(0, i - 20):i]) // 2],
        "last20": mean(max(epoch_start, i - 20), i),  # torchvision: the epoch's last 20
        "eta": f"{eta // 3600}:{eta // 60 % 60:02d}:{eta % 60:02d}",
        "detectron": mean(0, i) if i <= 21 else mean(21, i),  # reset after iteration 21
    }


def keras(i: int, epoch: int, ie: int, args: argparse.Namespace, elapsed: float) -> None:
    """Keras' Progbar: an ``Epoch e/E`` line, then one bar redrawn with ``\r``."""
    per = args.per_epoch
    if ie == 0:
        sys.stdout.write(f"Epoch {epoch + 1}/{-(-args.iterations // per)}\n")
    done = ie + 1
    if done == per:
        bar = (f"{done}/{per} [==============================] - {elapsed:.0f}s {elapsed / per * 1000:.0f}ms/step "
               "- loss: 1.0\n")
    else:
        bar = f"{done:{len(str(per))}d}/{per} [=====>........................] - ETA: 20s - loss: 1.0"
    sys.stdout.write("\r" + bar)
    sys.stdout.flush()


def tensorpack(i: int, epoch: int, ie: int, args: argparse.Namespace, elapsed: float) -> None:
    """tensorpack: logger lines on stdout, a tqdm bar redrawn with ``\r`` on stderr."""
    per = args.per_epoch
    if ie == 0:
        print(f"[0101 00:00:00 @base.py:273] Start Epoch {epoch + 1} ...", flush=True)
        sys.stderr.write(f"\r  0%|          |0/{per}[00:00<?,?it/s]")  # tqdm draws the bar when created
    done = ie + 1
    clock = f"{int(elapsed) // 60:02d}:{int(elapsed) % 60:02d}"
    sys.stderr.write(f"\r{100 * done // per:3d}%|#####     |{done}/{per}[{clock}<00:10, {1 / args.seconds:.2f}it/s]")
    sys.stderr.flush()
    if done == per:
        sys.stderr.write("\n")
        print(f"[0101 00:00:00 @base.py:283] Epoch {epoch + 1} (global_step {i}) finished, "
              f"time:{elapsed:.3g} seconds.", flush=True)


def simpledet(i: int, epoch: int, ie: int, args: argparse.Namespace, elapsed: float) -> None:
    """MXNet's Speedometer: ``Batch [count]`` with the 0-based batch index, never for a first batch; its speed
    is the batch size (2) times ``every`` batches over their time (the epoch's elapsed time of the batches
    since the previous line)."""
    if ie and ie % args.every == 0:
        speed = args.every * 2 / (elapsed - simpledet.mark.get(epoch, args.first_batch))  # type: ignore[attr-defined]
        simpledet.mark[epoch] = elapsed  # type: ignore[attr-defined]
        print(f"Epoch[{epoch}] Batch [{ie}]\tSpeed: {speed:.2f} samples/sec\tTrain-RpnAcc=0.9,\t", flush=True)
    if ie == args.per_epoch - 1:  # fit's closing lines
        print(f"Epoch[{epoch}] Train-RpnAcc=0.900000\nEpoch[{epoch}] Time cost={elapsed:.3f}", flush=True)


simpledet.mark = {}  # type: ignore[attr-defined]


BARS = {"keras": keras, "tensorpack": tensorpack, "simpledet": simpledet}
FORMATS.update(dict.fromkeys(BARS, ""))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--format", default="generic", choices=sorted(FORMATS))
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=0.02, help="true time of one iteration")
    parser.add_argument("--vary", type=float, default=0.0, help="make iteration times vary by up to this fraction")
    parser.add_argument("--every", type=int, default=1, help="print every N iterations")
    parser.add_argument("--per-epoch", type=int, default=1000, help="iterations per epoch (epoch formats)")
    parser.add_argument("--crash-at", type=int, help="raise an exception after this iteration")
    parser.add_argument("--exit-code", type=int, default=0)
    parser.add_argument("--hang-at", type=int, help="stop printing and sleep forever after this iteration")
    parser.add_argument("--garbage", action="store_true", help="print only garbage")
    parser.add_argument("--noise", action="store_true", help="mix unrelated lines and carriage returns in")
    parser.add_argument("--pidfile", help="write our pid here (for signal tests)")
    parser.add_argument("--own-window", help="START:END: time this window itself and print it at the end, "
                        "like sphinx_benchbench/runners/suites/torchvision_maskrcnn.py")
    parser.add_argument("--linger-on-term", type=float, help="on SIGTERM, take this long to exit (a checkpoint)")
    parser.add_argument("--events", help="append 'start TIME' and 'end TIME' (wall clock) to this file")
    parser.add_argument("--burst", type=int, default=1, help="write progress lines in groups of N")
    parser.add_argument("--own-skew", type=float, default=1.0, help="misreport the own window timing by this factor")
    args = parser.parse_args()
    if args.pidfile:
        with open(args.pidfile, "w") as f:
            f.write(str(os.getpid()))
    def event(what: str) -> None:
        if args.events:
            with open(args.events, "a") as f:
                f.write(f"{what} {time.time():.6f}\n")

    def linger(signum: int, frame: object) -> None:
        time.sleep(args.linger_on_term)
        event("end")
        os._exit(0)

    signal.signal(signal.SIGTERM, linger if args.linger_on_term else signal.SIG_DFL)
    event("start")
    template = FORMATS[args.format]
    own_start, own_end = map(int, args.own_window.split(":")) if args.own_window else (0, 0)
    marks = {}
    held: list[str] = []
    d = durations(args)
    done_at = [0.0, *itertools.accumulate(d)]  # when iteration i completes, from t0
    last_print = 0
    t0 = time.monotonic()
    for i in range(1, args.iterations + 1):
        delay = t0 + done_at[i] - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        if args.garbage:
            print(f"\x00\x1b[31mgarbage {os.urandom(4).hex()} ÿ\u2028", flush=True)
            continue
        if args.noise and i % 7 == 0:
            sys.stdout.write("loading data ... 50%\rloading data ... 100%\n")
            print("WARNING some/library.py:12: UserWarning: something deprecated", file=sys.stderr, flush=True)
        epoch, ie = divmod(i - 1, args.per_epoch)
        if args.format in BARS:
            epoch_start = epoch * args.per_epoch
            args.first_batch = done_at[epoch_start + 1] - done_at[epoch_start]
            BARS[args.format](i, epoch, ie, args, done_at[i] - done_at[epoch_start])
        elif SCHEDULES.get(args.format, lambda i, ie, n, k: i % k == 0 or i == 1)(i, ie, args.per_epoch, args.every):
            times = printed(d, done_at, i, ie, args.per_epoch, last_print)
            last_print = i
            held.append(template.format(i=i, i0=i - 1, n=args.iterations, epoch=epoch + 1, epoch0=epoch, ie=ie + 1,
                                        ie0=ie, per=args.per_epoch, **times) + "\n")
            if args.format == "torchvision" and ie == args.per_epoch - 1:  # log_every's closing line
                epoch_time = done_at[i] - done_at[i - args.per_epoch]
                held.append(f"Epoch: [{epoch}] Total time: 0:00:01 ({epoch_time / args.per_epoch:.4f} s / it)\n")
            if len(held) >= args.burst:  # like a block-buffered stdout, several lines at once
                os.write(sys.stdout.fileno(), "".join(held).encode())
                held.clear()
        if i in (own_start, own_end):
            marks[i] = time.perf_counter()
        if args.crash_at == i:
            raise RuntimeError("CUDA error: an illegal memory access was encountered (fake)")
        if args.hang_at == i:
            time.sleep(3600)
    if len(marks) == 2:
        seconds = (marks[own_end] - marks[own_start]) * args.own_skew
        print(f"Window {own_start}-{own_end}: {own_end - own_start} iterations in {seconds:.6f} s", flush=True)
    event("end")
    return args.exit_code


if __name__ == "__main__":
    sys.exit(main())
