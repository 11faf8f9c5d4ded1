"""What each log format's printed timing means, checked on real log text.

Every excerpt below was printed by the implementation itself and pasted in a
public issue, tutorial or results file (the source is cited above it; long
loss columns are cut with "..." where they carry nothing the parsers read).
Each expectation is computed here, by hand, from the printed numbers and the
meaning the implementation's source gives them (see each format module's
docstring) -- not by the parser.  The numbers vary from line to line, as real
iteration times do: a constant time would hide every mistake of averaging.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_benchbench.runners.logformats import LogFormatError, Timing, make_parser
from sphinx_benchbench.runners.window import WindowError

from .conftest import REPO


def timing_of(fmt: str, lines: list[str], items: int | None = None, **options: object) -> Timing:
    parser = make_parser(fmt, **options)
    for line in lines:
        parser.feed(line)
    return parser.timing(items)


def seconds(fmt: str, lines: list[str], start: int, end: int, items: int | None = None, **options: object) -> float:
    return timing_of(fmt, lines, items, **options).window(start, end).seconds


# --------------------------------------------------------------------------
# detectron2: 'time:' is the cumulative mean since the run's third iteration
# --------------------------------------------------------------------------

# https://github.com/facebookresearch/d2go/issues/19
D2GO_19 = [
    "[03/15 07:47:57 d2.engine.train_loop]: Starting training from iteration 0",
    "[03/15 07:48:04 d2.utils.events]:  eta: 0:01:23  iter: 19  total_loss: 1.475  loss_cls: 0.7214  loss_box_reg: "
    "0.6375  loss_rpn_cls: 0.07351  loss_rpn_loc: 0.004179  time: 0.2951  data_time: 0.0589  lr: 6.1638e-06  "
    "max_mem: 824M",
    "[03/15 07:48:10 d2.utils.events]:  eta: 0:01:17  iter: 39  total_loss: 1.383  loss_cls: 0.7036  loss_box_reg: "
    "0.5085  loss_rpn_cls: 0.08158  loss_rpn_loc: 0.004653  time: 0.3084  data_time: 0.0369  lr: 1.2389e-05  "
    "max_mem: 824M",
    "[03/15 07:48:16 d2.utils.events]:  eta: 0:01:09  iter: 59  total_loss: 1.339  loss_cls: 0.6572  loss_box_reg: "
    "0.6244  loss_rpn_cls: 0.07994  loss_rpn_loc: 0.005873  time: 0.3054  data_time: 0.0348  lr: 1.8614e-05  "
    "max_mem: 824M",
    "[03/15 07:48:22 d2.utils.events]:  eta: 0:01:04  iter: 79  total_loss: 1.348  loss_cls: 0.606  loss_box_reg: "
    "0.6746  loss_rpn_cls: 0.09816  loss_rpn_loc: 0.004536  time: 0.3071  data_time: 0.0296  lr: 2.4839e-05  "
    "max_mem: 824M",
    "[03/15 07:48:29 d2.utils.events]:  eta: 0:00:58  iter: 99  total_loss: 1.163  loss_cls: 0.5328  loss_box_reg: "
    "0.5132  loss_rpn_cls: 0.07843  loss_rpn_loc: 0.00285  time: 0.3080  data_time: 0.0389  lr: 3.1064e-05  "
    "max_mem: 824M",
]
# https://github.com/facebookresearch/d2go/issues/524 (no start line; times fall from 0.3636 to 0.2854)
D2GO_524 = [
    "[04/05 01:30:24 d2.utils.events]:  eta: 0:03:35  iter: 19  total_loss: 1.36  ...  time: 0.3636  "
    "data_time: 0.1102  lr: 3.8077e-06  max_mem: 433M",
    "[04/05 01:30:31 d2.utils.events]:  eta: 0:03:14  iter: 39  total_loss: 1.353  ...  time: 0.3633  "
    "data_time: 0.0641  lr: 7.5527e-06  max_mem: 433M",
    "[04/05 01:30:35 d2.utils.events]:  eta: 0:02:45  iter: 59  total_loss: 1.329  ...  time: 0.3147  "
    "data_time: 0.0555  lr: 1.1298e-05  max_mem: 433M",
    "[04/05 01:30:40 d2.utils.events]:  eta: 0:02:15  iter: 79  total_loss: 1.295  ...  time: 0.2872  "
    "data_time: 0.0395  lr: 1.5043e-05  max_mem: 433M",
    "[04/05 01:30:45 d2.utils.events]:  eta: 0:02:11  iter: 99  total_loss: 1.301  ...  time: 0.2854  "
    "data_time: 0.0547  lr: 1.8788e-05  max_mem: 433M",
]
# https://github.com/facebookresearch/detectron2/issues/195 (detectron2 v0.1, mid-run, no start line)
D2_195 = [
    "[11/01 11:27:04 d2.utils.events]: eta: 8:05:12  iter: 1259  total_loss: 1.012  loss_cls: 0.714  "
    "loss_box_reg: 0.291  time: 0.3322  data_time: 0.0334  lr: 0.010000  max_mem: 3961M",
    "[11/01 11:27:11 d2.utils.events]: eta: 8:04:51  iter: 1279  total_loss: 0.971  loss_cls: 0.699  "
    "loss_box_reg: 0.274  time: 0.3323  data_time: 0.0418  lr: 0.010000  max_mem: 3961M",
    "[11/01 11:27:18 d2.utils.events]: eta: 8:04:38  iter: 1299  total_loss: 0.980  loss_cls: 0.697  "
    "loss_box_reg: 0.272  time: 0.3323  data_time: 0.0353  lr: 0.010000  max_mem: 3961M",
    "[11/01 11:27:24 d2.utils.events]: eta: 8:03:55  iter: 1319  total_loss: 0.950  loss_cls: 0.668  "
    "loss_box_reg: 0.276  time: 0.3322  data_time: 0.0292  lr: 0.010000  max_mem: 3961M",
]
# https://github.com/Kevindic0214/detectron2_training/blob/e44fceec8fceafb47b2a9940a1f9f9769dff9054/output/metrics.json
D2_METRICS = [
    '{"data_time": 0.00434096649996718, "eta_seconds": 99.85930682000799, "iteration": 19, "loss_box_reg": '
    '0.6630910933017731, "loss_cls": 0.7249738872051239, "lr": 0.00019981, "time": 0.3498302360001278, '
    '"total_loss": 2.1795813}',
    '{"data_time": 0.0044010670000034224, "eta_seconds": 86.48394910998832, "iteration": 39, "loss_box_reg": '
    '0.6122730076313019, "loss_cls": 0.5915481448173523, "lr": 0.00039961, "time": 0.33099281500000475, '
    '"total_loss": 1.9416132}',
]


def test_detectron2_window_is_the_difference_of_cumulative_sums() -> None:
    # 'time' at iter N (completed c = N + 1) averages the c - 2 iterations after the first two.
    expected = 0.3080 * 98 - 0.2951 * 18  # iterations 21-100
    assert seconds("detectron2", D2GO_19, 20, 100) == pytest.approx(expected, rel=1e-12)
    assert seconds("detectron2", D2GO_19, 40, 80) == pytest.approx(0.3071 * 78 - 0.3084 * 38, rel=1e-12)
    # An unweighted mean of the printed values -- what was read before -- is 5 % off here:
    naive = (0.3084 + 0.3054 + 0.3071 + 0.3080) / 4 * 80
    assert abs(naive / expected - 1) > 0.002


def test_detectron2_varying_times_are_weighted_by_their_counts() -> None:
    # d2go #524: the cumulative mean falls from 0.3636 to 0.2854 while the run speeds up.
    reading = timing_of("detectron2", D2GO_524).window(40, 100)
    assert reading.seconds == pytest.approx(0.2854 * 98 - 0.3633 * 38)  # 14.1634 s: 0.236 s/iteration
    assert reading.seconds / 60 == pytest.approx(0.23606, abs=1e-5)
    assert "assuming the run started at iteration 0" in reading.semantics


def test_detectron2_mid_run_excerpt_needs_its_start() -> None:
    with pytest.raises(WindowError, match=r"does not say where that was.*start_iter"):
        timing_of("detectron2", D2_195).window(1280, 1320, clock=False)
    # Given the start, it is the same difference; the log's one-second stamps cannot resolve 40 iterations.
    assert seconds("detectron2", D2_195, 1280, 1320, start_iter=0) == pytest.approx(0.3322 * 1318 - 0.3323 * 1278)
    with pytest.raises(WindowError, match="logged times cannot resolve"):
        timing_of("detectron2", D2_195).window(1280, 1320)


def test_detectron2_metrics_json_is_counted_but_its_median_refused() -> None:
    parser = make_parser("detectron2")
    assert [p.iteration for p in map(parser.feed, D2_METRICS) if p] == [20, 40]
    with pytest.raises(WindowError, match="median of the last 20"):
        parser.timing().window(20, 40)


def test_detectron2_window_start_before_the_log_is_refused() -> None:
    # The first line (iter 19) tells about iterations 3-20 only as a whole.
    with pytest.raises(WindowError, match="timed only as a whole"):
        timing_of("detectron2", D2GO_19).window(10, 20)
    with pytest.raises(WindowError, match="cover iterations 2-100; the window 1-20 starts before"):
        timing_of("detectron2", D2GO_19).window(1, 20)
    with pytest.raises(WindowError, match="ends after"):
        timing_of("detectron2", D2GO_19).window(20, 120)


def test_rank_prefixed_lines_are_read_for_one_rank() -> None:
    """Open MPI's --tag-output prefix ("[1,r]<stdout>:"), added here to d2go #19's lines the way the launcher
    writes it; rank 1's copy (iterations shifted) must not be read as the same run."""
    lines = []
    for line in D2GO_19:
        lines.append(f"[1,0]<stdout>:{line}")
        lines.append(f"[1,1]<stdout>:{line.replace('9  total_loss', '8  total_loss')}")
    assert seconds("detectron2", lines, 20, 100) == pytest.approx(0.3080 * 98 - 0.2951 * 18)
    other = timing_of("detectron2", lines, rank=1)
    assert other.spans and other.spans[-1].end == 99


# --------------------------------------------------------------------------
# maskrcnn-benchmark: 'time: median (mean since the start)'; the mean is differenced
# --------------------------------------------------------------------------

# https://github.com/tianzhi0549/FCOS/issues/55 (FCOS uses maskrcnn-benchmark's trainer)
FCOS_55 = [
    "2019-05-31 07:57:47,793 maskrcnn_benchmark.trainer INFO: eta: 5 days, 22:13:05  iter: 20  loss: 2.3235 (2.9695)  "
    "loss_cls: 0.5318 (0.5656)  loss_reg: 1.1120 (1.7430)  loss_centerness: 0.6524 (0.6609)  time: 0.7022 (0.7111)  "
    "data: 0.4336 (0.4301)  lr: 0.000833  max mem: 5004",
    "2019-05-31 07:58:00,745 maskrcnn_benchmark.trainer INFO: eta: 5 days, 15:51:49  iter: 40  loss: 1.7949 (2.3784)  "
    "loss_cls: 0.3969 (0.4833)  loss_reg: 0.7550 (1.2519)  loss_centerness: 0.6184 (0.6432)  time: 0.6546 (0.6794)  "
    "data: 0.3657 (0.3990)  lr: 0.000833  max mem: 5004",
    "2019-05-31 07:58:14,720 maskrcnn_benchmark.trainer INFO: eta: 5 days, 17:09:00  iter: 60  loss: 1.5948 (2.1299)  "
    "...  time: 0.6337 (0.6858)  data: 0.3626 (0.4045)  lr: 0.000833  max mem: 5004",
    "2019-05-31 07:58:28,580 maskrcnn_benchmark.trainer INFO: eta: 5 days, 17:30:20  iter: 80  loss: 1.4121 (1.9564)  "
    "...  time: 0.6501 (0.6876)  data: 0.3747 (0.4075)  lr: 0.000833  max mem: 5004",
    "2019-05-31 07:58:42,057 maskrcnn_benchmark.trainer INFO: eta: 5 days, 16:57:08  iter: 100  loss: 1.3415 (1.8311)  "
    "...  time: 0.6863 (0.6849)  data: 0.4107 (0.4050)  lr: 0.000833  max mem: 5122",
]


def test_maskrcnn_benchmark_reads_the_mean_not_the_median() -> None:
    expected = 0.6849 * 100 - 0.7111 * 20  # iterations 21-100: 54.268 s
    reading = timing_of("maskrcnn-benchmark", FCOS_55).window(20, 100)
    assert reading.seconds == pytest.approx(expected)
    # The lines' own millisecond stamps agree (the sum of batch times is the wall clock): 54.264 s.
    assert abs(reading.seconds / (42.057 - 47.793 + 60) - 1) < 0.001
    medians = (0.6546 + 0.6337 + 0.6501 + 0.6863) / 4 * 80  # what reading the median gave
    assert abs(medians / expected - 1) > 0.03


def test_maskrcnn_benchmark_excerpt_without_its_start_uses_the_logged_times() -> None:
    # Without the first line the start is unknown; the millisecond stamps time the window instead.
    reading = timing_of("maskrcnn-benchmark", FCOS_55[2:]).window(60, 100)
    assert reading.seconds == pytest.approx(42.057 - 14.720, rel=1e-9)
    assert "logged times" in reading.semantics and "start_iter" in reading.semantics


# --------------------------------------------------------------------------
# Detectron: the timer's mean since its reset after the run's 21st iteration
# --------------------------------------------------------------------------

# Detectron RetinaNet notes file (code index id 37783969612; repository not given), old float format.
DETECTRON_RETINANET = [
    'json_stats: {"eta": "2 days, 3:34:27", "iter": 0, "loss": 0.447119, "lr": 0.006667, "mb_qsize": 64, '
    '"mem": 6309, "time": 16.503753}',
    'json_stats: {"eta": "7:34:00", "iter": 20, "loss": 0.419723, "lr": 0.007200, "mb_qsize": 64, "mem": 6336, '
    '"time": 2.425659}',
    'json_stats: {"eta": "5:24:11", "iter": 40, "loss": 0.471960, "lr": 0.007733, "mb_qsize": 64, "mem": 6342, '
    '"time": 1.735185}',
    'json_stats: {"eta": "5:22:26", "iter": 60, "loss": 0.423602, "lr": 0.008267, "mb_qsize": 64, "mem": 6345, '
    '"time": 1.728917}',
    'json_stats: {"eta": "5:17:48", "iter": 80, "loss": 0.427864, "lr": 0.008800, "mb_qsize": 64, "mem": 6345, '
    '"time": 1.707114}',
    'json_stats: {"eta": "5:18:19", "iter": 100, "loss": 0.471620, "lr": 0.009333, "mb_qsize": 64, "mem": 6345, '
    '"time": 1.712969}',
]


def test_detectron_timer_reset_after_iteration_21() -> None:
    # iter 20's line averages the first 21 iterations; then the timer restarts: iter N averages 22..N+1.
    assert seconds("detectron", DETECTRON_RETINANET, 21, 101) == pytest.approx(1.712969 * 80)
    assert seconds("detectron", DETECTRON_RETINANET, 41, 101) == pytest.approx(1.712969 * 80 - 1.735185 * 20)
    # Before the reset: iterations 2-21 are the 21 iterations' sum less the first one's.
    assert seconds("detectron", DETECTRON_RETINANET, 1, 21) == pytest.approx(2.425659 * 21 - 16.503753)
    # A string-float line (Detectron after 2018-10) reads the same.
    quoted = [line.replace('"time": ', '"time": "').replace("}", '"}') for line in DETECTRON_RETINANET]
    assert seconds("detectron", quoted, 21, 101) == pytest.approx(1.712969 * 80)


# --------------------------------------------------------------------------
# mmdetection: mmcv's mean over the interval since the previous line
# --------------------------------------------------------------------------

# https://github.com/open-mmlab/mmdetection/issues/2672 (mmdetection v1, interval 50)
MMDET_2672 = [
    "2020-05-08 18:56:16,649 - mmdet - INFO - Epoch [1][2400/7517]\tlr: 0.00125, eta: 4:33:09, time: 0.595, "
    "data_time: 0.032, memory: 6836, loss_rpn_cls: 0.0989, loss_rpn_bbox: 0.0477, loss_cls: 0.1939, acc: 93.4961, "
    "loss_bbox: 0.1484, loss: 0.4890",
    "2020-05-08 18:56:46,439 - mmdet - INFO - Epoch [1][2450/7517]\tlr: 0.00125, eta: 4:32:41, time: 0.596, "
    "data_time: 0.031, memory: 6836, loss: 0.4794",
    "2020-05-08 18:57:16,177 - mmdet - INFO - Epoch [1][2500/7517]\tlr: 0.00125, eta: 4:32:13, time: 0.595, "
    "data_time: 0.031, memory: 6836, loss: 0.4704",
    "2020-05-08 18:57:45,944 - mmdet - INFO - Epoch [1][2550/7517]\tlr: 0.00125, eta: 4:31:45, time: 0.595, "
    "data_time: 0.032, memory: 6836, loss: 0.4268",
    "2020-05-08 18:58:15,692 - mmdet - INFO - Epoch [1][2600/7517]\tlr: 0.00125, eta: 4:31:17, time: 0.595, "
    "data_time: 0.032, memory: 6836, loss: 0.4369",
]
# mmdetection 2.25.3 / mmcv 1.7.0 across an epoch end (962 iterations, interval 50, so the epoch's last 12 are in
# no line): https://github.com/JasonKJ/forsave/blob/46b3bcec5765333d7f845f9450bd26bae2a0c624/AI/MMDetection/
# customized_result.py (a saved training log; loss columns cut).
MMDET_EPOCH_END = [
    "2022-11-12 18:58:12,006 - mmdet - INFO - Epoch [1][900/962]\tlr: 2.000e-02, eta: 2:39:10, time: 0.904, "
    "data_time: 0.008, memory: 5062, loss: 0.5",
    "2022-11-12 18:58:57,266 - mmdet - INFO - Epoch [1][950/962]\tlr: 2.000e-02, eta: 2:38:29, time: 0.905, "
    "data_time: 0.008, memory: 5062, loss: 0.5",
    "2022-11-12 19:00:42,595 - mmdet - INFO - Epoch [2][50/962]\tlr: 2.000e-02, eta: 2:36:19, time: 0.969, "
    "data_time: 0.061, memory: 5062, loss: 0.5",
    "2022-11-12 19:01:27,643 - mmdet - INFO - Epoch [2][100/962]\tlr: 2.000e-02, eta: 2:35:39, time: 0.901, "
    "data_time: 0.008, memory: 5062, loss: 0.5",
]


def test_mmcv_interval_means_add_up() -> None:
    assert seconds("mmdetection", MMDET_2672, 2400, 2600) == pytest.approx(50 * (0.596 + 0.595 + 0.595 + 0.595))
    reading = timing_of("mmdetection", MMDET_2672).window(2450, 2550)
    assert "the lines' spacing" in reading.semantics


def test_mmcv_epoch_end_gap_is_estimated_and_said() -> None:
    # Corrected expectation: this test priced iterations 951-962 at the mean of 0.905 and 0.969, but 0.969 is
    # epoch 2's first interval, slowed by the data loader's restart (data_time 0.061 against 0.008); the tail
    # is epoch 1's own, at the pace of its last line.
    reading = timing_of("mmdetection", MMDET_EPOCH_END).window(900, 1012, clock=False)
    tail = 12 * 0.905  # iterations 951-962: in no line
    assert reading.seconds == pytest.approx(0.905 * 50 + tail + 0.969 * 50)  # 104.56 s
    assert any("950-962" in w for w in reading.warnings)
    assert "at the pace of the epoch's own last line" in reading.semantics
    # The lines' own stamps say 18:58:12,006 to 19:00:42,595 = 150.589 s: the evaluation between the epochs,
    # which mmcv's 'time' leaves out, is 30 % of the window's wall time. Both figures are given, and refused.
    with pytest.raises(WindowError, match=r"104\.56 s .* logged times 150\.589 s"):
        timing_of("mmdetection", MMDET_EPOCH_END).window(900, 1012)


def test_mmengine_window_is_stated_or_assumed() -> None:
    # https://github.com/open-mmlab/mmdetection/pull/10498 (mmdetection 3.x on mmengine), two lines 50 apart.
    lines = [
        "07/04 08:12:50 - mmengine - INFO - Epoch(train)  [1][ 750/7393]  base_lr: 3.7531e-05 lr: 3.7531e-05  "
        "eta: 3 days, 9:40:59  time: 0.5451  data_time: 0.0148  memory: 14765  loss: 36.8871",
        "07/04 08:13:18 - mmengine - INFO - Epoch(train)  [1][ 800/7393]  base_lr: 4.0030e-05 lr: 4.0030e-05  "
        "eta: 3 days, 9:33:46  time: 0.5410  data_time: 0.0151  memory: 14765  loss: 36.6604",
    ]
    # Corrected expectation: mmdetection 3.x's window of 50 used to be assumed for every mmengine log; mmengine's
    # own default (LogProcessor(window_size=10), kept by mmsegmentation 1.x, which logs every 50) is assumed now,
    # so each line times only its last 10 of 50 iterations and the window is refused, saying what to pass.
    with pytest.raises(WindowError, match=r"time only 10 of the window's 50 .*window_size is 10.*window_size=50"):
        timing_of("mmdetection", lines).window(750, 800, clock=False)
    reading = timing_of("mmdetection", lines, window_size=50).window(750, 800)
    assert reading.seconds == pytest.approx(0.5410 * 50)  # 27.05 s; the stamps' 28 s +-1 s are too coarse to check
    assert "assuming" not in reading.semantics


# --------------------------------------------------------------------------
# torchvision: the mean of the epoch's last 20 iterations, eta and the epoch total
# --------------------------------------------------------------------------

# https://github.com/iShoto/testpy (README of codes/20200202_pytorch_object_detection, torchvision 0.3),
# print_freq 10: each line's 20-iteration mean overlaps the previous one.
TV_TESTPY = [
    "Epoch: [0]  [ 0/60]  eta: 0:05:40  lr: 0.000090  loss: 0.9656 (0.9656)  time: 5.6684  data: 3.8234  "
    "max mem: 3548",
    "Epoch: [0]  [10/60]  eta: 0:00:47  lr: 0.000936  loss: 0.5 (0.6)  time: 0.9561  data: 0.3484  max mem: 4261",
    "Epoch: [0]  [20/60]  eta: 0:00:28  lr: 0.001783  loss: 0.5 (0.6)  time: 0.4775  data: 0.0011  max mem: 4261",
    "Epoch: [0]  [30/60]  eta: 0:00:19  lr: 0.002629  loss: 0.5 (0.6)  time: 0.4745  data: 0.0011  max mem: 4261",
    "Epoch: [0]  [40/60]  eta: 0:00:12  lr: 0.003476  loss: 0.5 (0.6)  time: 0.4814  data: 0.0011  max mem: 4458",
    "Epoch: [0]  [50/60]  eta: 0:00:05  lr: 0.004323  loss: 0.5 (0.6)  time: 0.5083  data: 0.0014  max mem: 4623",
    "Epoch: [0]  [59/60]  eta: 0:00:00  lr: 0.005000  loss: 0.1176 (0.3073)  time: 0.5165  data: 0.0013  "
    "max mem: 4623",
    "Epoch: [0] Total time: 0:00:34 (0.5814 s / it)",
    "Test:  [ 0/50]  eta: 0:00:19  model_time: 0.2152 (0.2152)  evaluator_time: 0.0133 (0.0133)  time: 0.4000  "
    "data: 0.1701  max mem: 5081",
]


def test_torchvision_windows_of_20_chain_every_20() -> None:
    # [20/60] averages iterations 2-21, [40/60] 22-41: consecutive windows, so they add up.
    assert seconds("torchvision", TV_TESTPY, 1, 41) == pytest.approx(20 * 0.4775 + 20 * 0.4814)
    # [0/60] is the first (slow) iteration alone; with it, iterations 1-41.
    assert seconds("torchvision", TV_TESTPY, 0, 41) == pytest.approx(5.6684 + 20 * 0.4775 + 20 * 0.4814)
    # The whole epoch is its 'Total time' line.
    assert seconds("torchvision", TV_TESTPY, 0, 60) == pytest.approx(0.5814 * 60)
    assert timing_of("torchvision", TV_TESTPY).window(0, 60).warnings == []


def test_torchvision_eta_is_the_epoch_mean_so_far() -> None:
    # [0/60]: eta 5:40 = int(5.6684 * 60) = 340: the reading agrees with the window to a second's slice.
    timing = timing_of("torchvision", TV_TESTPY)
    eta = [s for s in timing.spans if s.what == "eta" and s.end == 1]
    assert eta and eta[0].seconds == pytest.approx((340 + 0.5) / 60) and eta[0].error == pytest.approx(0.5 / 60)


# --------------------------------------------------------------------------
# SimpleDet / MXNet: samples per second over the 'frequent' batches since the previous line
# --------------------------------------------------------------------------

# https://github.com/TuSimple/simpledet/issues/226 (TridentNet, 3 images x 8 GPUs, log_frequency 20)
SIMPLEDET_226 = [
    "09-07 11:34:06 Epoch[0] Batch [20]\tSpeed: 1.29 samples/sec\tTrain-RpnAcc=0.554313,\tRpnL1=1.112343,\t",
    "09-07 11:39:05 Epoch[0] Batch [40]\tSpeed: 1.60 samples/sec\tTrain-RpnAcc=0.673116,\tRpnL1=0.962950,\t",
    "09-07 11:44:00 Epoch[0] Batch [60]\tSpeed: 1.63 samples/sec\tTrain-RpnAcc=0.753687,\tRpnL1=0.881134,\t",
    "09-07 11:50:30 Epoch[0] Batch [80]\tSpeed: 1.23 samples/sec\tTrain-RpnAcc=0.796221,\tRpnL1=0.812162,\t",
    "09-07 11:59:41 Epoch[0] Batch [100]\tSpeed: 0.87 samples/sec\tTrain-RpnAcc=0.820873,\tRpnL1=0.768616,\t",
    "09-07 12:05:51 Epoch[0] Batch [120]\tSpeed: 1.30 samples/sec\tTrain-RpnAcc=0.837998,\tRpnL1=0.729496,\t",
    "09-07 12:13:06 Epoch[0] Batch [140]\tSpeed: 1.10 samples/sec\tTrain-RpnAcc=0.850185,\tRpnL1=0.700992,\t",
]


def test_simpledet_speed_times_exactly_its_batches() -> None:
    # 'Batch [40]' closes batches 22-41 (the 0-based batch 40 is the 41st): 20 batches x 24 images / speed.
    expected = sum(20 * 24 / s for s in (1.60, 1.63, 1.23, 0.87, 1.30, 1.10))
    assert seconds("simpledet", SIMPLEDET_226, 21, 141, items=24) == pytest.approx(expected)
    # The log's own stamps (Asia/Shanghai wall clock, whole seconds) say 2340 s from batch 21 to 141.
    assert abs(expected / (12 * 3600 + 13 * 60 + 6 - (11 * 3600 + 34 * 60 + 6)) - 1) < 0.005
    with pytest.raises(WindowError, match="batch size"):
        timing_of("simpledet", SIMPLEDET_226).window(21, 141, clock=False)


def test_simpledet_epoch_length_from_two_epochs_iter_fields() -> None:
    """SimpleDet's 'Iter: I/T' (since 2019-12) counts batches of the run: two epochs' lines give the length.
    The second line is from a stored public post on SimpleDet whose address could not be identified (500 batches
    per epoch, 2 images per batch); the first is built from the same format string, 500 batches earlier."""
    lines = [
        "06-11 19:19:01 Epoch[4] Batch [490]\tIter: 2490/3000\tLr: 0.00250\tSpeed: 1.69 samples/sec\tTrain-RpnAcc=0.9,",
        "06-11 19:35:28 Epoch[5] Batch [490]\tIter: 2990/3000\tLr: 0.00250\tSpeed: 1.71 samples/sec\tTrain-RpnAcc=0.9,",
    ]
    timing = timing_of("simpledet", lines, items=2, batch_size=2)
    assert {(s.start, s.end) for s in timing.spans if s.what == "speed"} == {(4 * 500 + 491 - 490, 2491),
                                                                             (5 * 500 + 491 - 490, 2991)}
    assert "an epoch has 500 batches" in " ".join(timing.assumptions)


# --------------------------------------------------------------------------
# tensorpack: epoch times, the bar's elapsed seconds, Throughput
# --------------------------------------------------------------------------

# https://github.com/tensorpack/tensorpack/issues/1023: starts mid-run with the bar, no 'Start Epoch' line.
TP_1023 = [
    "   #################################################################################################"
    "|500/500[01:51<00:00, 4.49it/s]",
    "[1220 19:43:53 @base.py:282] Epoch 135 (global_step 67500) finished, time:1 minute 51 seconds.",
    "[1220 19:43:53 @graph.py:73] Running Op sync_variables/sync_variables_from_main_tower ...",
]
# https://github.com/tensorpack/tensorpack/issues/1298 (2 GPUs, ThroughputTracker(samples_per_step=2))
TP_1298 = [
    "[0807 19:53:34 @base.py:275] Start Epoch 4 ...",
    "[0807 19:57:18 @base.py:285] Epoch 4 (global_step 2000) finished, time:3 minutes 43 seconds.",
    "[0807 19:57:18 @misc.py:109] Estimated Time Left: 3 days 22 hours 28 minutes 47 seconds",
    "[0807 19:57:19 @monitor.py:474] QueueInput/queue_size: 49.818",
    "[0807 19:57:19 @monitor.py:474] Throughput (samples/sec): 4.4645",
]


def test_tensorpack_mid_run_excerpt_is_placed_by_its_finished_line() -> None:
    reading = timing_of("tensorpack", TP_1023).window(67000, 67500)
    # '1 minute 51 seconds' is truncated to the second, as the bar's 01:51: 111 to 112 s.
    assert reading.seconds == pytest.approx(111.5)
    assert reading.window.error == pytest.approx(0.5)


def test_tensorpack_throughput_checked_against_the_epoch_time() -> None:
    reading = timing_of("tensorpack", TP_1298, items=2).window(1500, 2000)
    assert reading.seconds == pytest.approx(500 * 2 / 4.4645)  # 223.99 s; the epoch line says 223-224 s
    # Wrong samples per step: Throughput disagrees with the epoch's own time, and is not used.
    wrong = timing_of("tensorpack", TP_1298, items=16)
    assert any("samples per step" in r for r in wrong.refusals)
    assert wrong.window(1500, 2000).seconds == pytest.approx(223.5)


# --------------------------------------------------------------------------
# Keras: each epoch's elapsed seconds, weighted by the window's overlap
# --------------------------------------------------------------------------

# https://github.com/matterport/Mask_RCNN/issues/2026 (100 steps per epoch, validation on)
KERAS_2026 = [
    "Epoch 2/30",
    "100/100 [==============================] - 73s 730ms/step - loss: 0.6366 - rpn_class_loss: 0.0099",
    "Epoch 3/30",
    "100/100 [==============================] - 74s 735ms/step - loss: 0.5586 - rpn_class_loss: 0.0067",
    "Epoch 4/30",
    "100/100 [==============================] - 112s 1s/step - loss: 0.4901 - rpn_class_loss: 0.0052",
    "Epoch 5/30",
    "100/100 [==============================] - 118s 1s/step - loss: 0.3946 - rpn_class_loss: 0.0049",
]


def test_keras_epochs_elapsed_not_the_rounded_step_time() -> None:
    assert seconds("keras", KERAS_2026, 100, 500) == pytest.approx(73 + 74 + 112 + 118)
    # '1s/step' for 112 s over 100 steps was read as 1 s: 11 % off. And epochs weigh by their overlap:
    reading = timing_of("keras", KERAS_2026).window(150, 450)
    assert reading.seconds == pytest.approx(73 / 2 + 74 + 112 + 118 / 2)
    assert any("apportioning" in w for w in reading.warnings)
    with pytest.raises(WindowError, match="timed only as a whole"):
        timing_of("keras", KERAS_2026).window(310, 390)


# --------------------------------------------------------------------------
# generic: the pattern's seconds only with their declared meaning
# --------------------------------------------------------------------------


def test_generic_seconds_need_a_declared_meaning() -> None:
    lines = [f"iteration {i}/30 time: {t:.6f}" for i, t in enumerate([0.51, 0.50, 0.49, 0.70, 0.52], 1)]
    pattern = r"^iteration (?P<iteration>\d+)/\d+ time: (?P<seconds>[0-9.]+)$"
    with pytest.raises(WindowError, match="seconds_are"):
        timing_of("generic", lines, pattern=pattern).window(1, 5)
    assert seconds("generic", lines, 1, 5, pattern=pattern, seconds_are="interval") == pytest.approx(
        0.50 + 0.49 + 0.70 + 0.52)
    assert seconds("generic", lines, 2, 5, pattern=pattern, seconds_are="cumulative", start_iter=0) == pytest.approx(
        0.52 * 5 - 0.50 * 2)
    clock = [f"step {i} elapsed {t}" for i, t in ((10, "4.10"), (20, "8.31"), (30, "12.20"))]
    assert seconds("generic", clock, 10, 30, pattern=r"step (?P<iteration>\d+) elapsed (?P<elapsed>[\d.]+)"
                   ) == pytest.approx(8.1)


# --------------------------------------------------------------------------
# runners.parse: the command, its JSON, truncated logs
# --------------------------------------------------------------------------


def parse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runners.parse", *args], cwd=REPO, capture_output=True, text=True,
                          check=False, timeout=60)


def test_parse_reports_semantics_and_warnings(tmp_path: Path) -> None:
    log = tmp_path / "train.log"
    log.write_text("\n".join(D2GO_19) + "\n", encoding="utf-8")
    done = parse(str(log), "--format", "detectron2", "--images-per-iter", "16", "--window", "20:100")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["throughput"] == pytest.approx(16 * 80 / (0.3080 * 98 - 0.2951 * 18))
    assert out["timing"] == "printed" and out["covers"] == [20, 100] and out["warnings"] == []
    assert "mean step time of every iteration" in out["semantics"]


def test_parse_drops_a_cut_off_last_line(tmp_path: Path) -> None:
    # The log ends inside a line, in the middle of its time: '0.3' of '0.3080'.
    cut = D2GO_19[-1][:D2GO_19[-1].index("time: 0.3080") + len("time: 0.3")]
    log = tmp_path / "train.log.gz"
    log.write_bytes(gzip.compress(("\n".join([*D2GO_19[:-1], cut])).encode()))
    done = parse(str(log), "--format", "detectron2", "--images-per-iter", "16", "--window", "20:80")
    out = json.loads(done.stdout)
    assert out["seconds_per_iter"] == pytest.approx((0.3071 * 78 - 0.2951 * 18) / 60)
    assert any("no line end" in w for w in out["warnings"])
    refused = parse(str(log), "--format", "detectron2", "--images-per-iter", "16", "--window", "20:100")
    assert refused.returncode == 1 and "ends after" in refused.stderr


def test_parse_help_lists_the_formats() -> None:
    done = parse("--help")
    assert done.returncode == 0
    for name in ("detectron2", "mmdetection", "maskrcnn-benchmark", "tensorpack", "simpledet", "detectron", "keras",
                 "torchvision", "generic"):
        assert f"\n  {name} " in done.stdout


def test_a_line_that_cannot_be_read_is_refused_with_its_reason() -> None:
    with pytest.raises(LogFormatError, match="went backwards"):
        timing_of("detectron2", [D2GO_19[3], D2GO_19[2]])


# --------------------------------------------------------------------------
# Look-alikes, the logged-time cross-check, and what an independent validation found
# (/work/validation/REPORT.md: 44 public excerpts; each case's arithmetic is repeated here)
# --------------------------------------------------------------------------

# https://github.com/open-mmlab/mmdetection/pull/10498 (turn 12): PaddleDetection's RT-DETR log (ppdet.engine's
# LogPrinter): torchvision's header, but 'batch_cost:' instead of 'time:' and an eta over all 72 epochs.
PPDET_RTDETR = [
    "[07/04 12:05:52] ppdet.engine INFO: Epoch: [0] [   0/7329] learning_rate: 0.000000 loss_class: 1.124107 ... "
    "loss: 42.595131 eta: 8 days, 6:48:57 batch_cost: 1.3564 data_cost: 0.0005 ips: 11.7962 images/s",
    "[07/04 12:06:28] ppdet.engine INFO: Epoch: [0] [  50/7329] learning_rate: 0.000003 loss_class: 1.107798 ... "
    "loss: 44.541801 eta: 4 days, 8:48:06 batch_cost: 0.7022 data_cost: 0.0005 ips: 22.7848 images/s",
]


def test_torchvision_refuses_a_look_alike_without_its_fields() -> None:
    # Read as torchvision's within-epoch eta, 4 days 8:48:06 = 377286 s over the epoch's 7279 batches left gives
    # (377286 + 0.5) * 51 / 7279 = 2643.5 s for batches 1-51: 51.8 s/it, where the lines' stamps say 36 s for 50
    # (0.72 s/it). log_every always prints 'time:' and 'data:'; this line has neither, so it is refused.
    with pytest.raises(LogFormatError, match=r"without the 'time:' and 'data:' .*batch_cost, data_cost, ips"):
        timing_of("torchvision", PPDET_RTDETR)
    # torchvision's own lines, with both fields, are read as before.
    assert seconds("torchvision", TV_TESTPY, 0, 60) == pytest.approx(0.5814 * 60)


# https://github.com/apache/mxnet/issues/3228 (stock MXNet 2016, two metrics: each Speedometer line twice).
MXNET_3228 = [
    "2016-09-08 23:43:02,299 Node[0] Epoch[2] Batch [250]\tSpeed: 536.55 samples/sec\tTrain-top_k_accuracy_2=0.869141",
    "2016-09-08 23:43:26,358 Node[0] Epoch[2] Batch [300]\tSpeed: 532.03 samples/sec\tTrain-accuracy=0.763047",
    "2016-09-08 23:43:26,359 Node[0] Epoch[2] Batch [300]\tSpeed: 532.03 samples/sec\tTrain-top_k_accuracy_2=0.878281",
    "2016-09-08 23:43:50,516 Node[0] Epoch[2] Batch [350]\tSpeed: 529.89 samples/sec\tTrain-accuracy=0.772734",
    "2016-09-08 23:43:50,516 Node[0] Epoch[2] Batch [350]\tSpeed: 529.89 samples/sec\tTrain-top_k_accuracy_2=0.881094",
    "2016-09-08 23:44:14,898 Node[0] Epoch[2] Batch [400]\tSpeed: 524.98 samples/sec\tTrain-accuracy=0.769531",
    "2016-09-08 23:44:14,898 Node[0] Epoch[2] Batch [400]\tSpeed: 524.98 samples/sec\tTrain-top_k_accuracy_2=0.876563",
    "2016-09-08 23:44:39,318 Node[0] Epoch[2] Batch [450]\tSpeed: 524.16 samples/sec\tTrain-accuracy=0.783047",
    "2016-09-08 23:44:39,318 Node[0] Epoch[2] Batch [450]\tSpeed: 524.16 samples/sec\tTrain-top_k_accuracy_2=0.883047",
]


def test_printed_timing_is_cross_checked_against_the_logged_times() -> None:
    """The batch size is not printed; the validation assumed 128.  Speed then gives half the wall time the
    lines' own stamps show, and the window is refused with both figures, instead of published."""
    # Batches 251-451 of epoch 2 (placed with iters_per_epoch=1000; the log does not print the epoch's length).
    # At 128 samples per batch: sum(50 * 128 / s) = 48.508 s; stamps 23:43:02,299 -> 23:44:39,318 = 97.019 s.
    with pytest.raises(WindowError, match=r"48\.5083 s .* logged times 97\.019 s.*batch size"):
        timing_of("simpledet", MXNET_3228, 128, iters_per_epoch=1000).window(2251, 2451)
    # At 256 (what the stamps, and the epoch's 'Time cost=215.751' over its ~450 batches, imply) they agree.
    reading = timing_of("simpledet", MXNET_3228, 256, iters_per_epoch=1000).window(2251, 2451)
    assert reading.seconds == pytest.approx(sum(50 * 256 / s for s in (532.03, 529.89, 524.98, 524.16)))  # 97.017
    assert "cross-checked against the lines' logged times, 97.019 s" in reading.semantics
    assert reading.warnings == []


# https://github.com/open-mmlab/mmpretrain/issues/360 (mmcls on mmcv, 35 iterations per epoch, interval 10: the
# epoch's last 5 are in no line; a checkpoint and a 50-image evaluation between the epochs).
MMCLS_360 = [
    "2021-07-14 13:52:26,135 - mmcls - INFO - Epoch [1][10/35]\tlr: 1.000e-02, eta: 0:10:35, time: 0.611, "
    "data_time: 0.212, memory: 2962, loss: 1.4048",
    "2021-07-14 13:52:30,150 - mmcls - INFO - Epoch [1][20/35]\tlr: 1.000e-02, eta: 0:08:41, time: 0.402, "
    "data_time: 0.022, memory: 2962, loss: 0.4855",
    "2021-07-14 13:52:34,172 - mmcls - INFO - Epoch [1][30/35]\tlr: 1.000e-02, eta: 0:08:00, time: 0.402, "
    "data_time: 0.022, memory: 2962, loss: 0.3445",
    "2021-07-14 13:52:35,974 - mmcls - INFO - Saving checkpoint at 1 epochs",
    "[>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>] 50/50, 163.1 task/s, elapsed: 0s, ETA:     0s2021-07-14 13:52:36,901 - mmcls - "
    "INFO - Epoch(val) [1][2]\taccuracy_top-1: 22.0000, accuracy_top-3: 38.0000",
    "2021-07-14 13:52:43,027 - mmcls - INFO - Epoch [2][10/35]\tlr: 1.000e-02, eta: 0:07:28, time: 0.592, "
    "data_time: 0.213, memory: 2962, loss: 0.3629",
    "2021-07-14 13:52:47,053 - mmcls - INFO - Epoch [2][20/35]\tlr: 1.000e-02, eta: 0:07:15, time: 0.403, "
    "data_time: 0.022, memory: 2962, loss: 0.3750",
]


def test_mmcv_epoch_tail_at_the_epochs_own_pace() -> None:
    # Iterations 21-45: epoch 1's 21-30 (0.402), its unprinted 31-35 at that line's pace, epoch 2's 36-45 (0.592,
    # the loader's restart: data_time 0.213 against 0.022). 10*0.402 + 5*0.402 + 10*0.592 = 11.95 s: 0.478 s/it.
    # Pricing the tail at the mean of both neighbours, as before, gave 12.425 s (+4 %).
    reading = timing_of("mmdetection", MMCLS_360).window(20, 45)
    assert reading.seconds == pytest.approx(10 * 0.402 + 5 * 0.402 + 10 * 0.592)
    assert any("30-35" in w for w in reading.warnings)
    # The stamps give 13:52:30,150 -> 13:52:43,027 = 12.877 s (the checkpoint and the evaluation): -7.2 %, said.
    assert any("logged times 12.877 s" in w and "leaves out" in w for w in reading.warnings)


# https://github.com/open-mmlab/mmengine/issues/1155 (mmengine's own tutorial: LogProcessor and LoggerHook at
# their defaults, window_size 10, interval 10).
MMENGINE_1155 = [
    f"2023/05/19 13:41:{s} - mmengine - INFO - Epoch(train) [1][ {i}/1563]  lr: 1.0000e-03  eta: 0:00:{eta}  "
    f"time: {t}  data_time: 0.0069  memory: 402  loss: 2.2934"
    for i, s, eta, t in ((340, 22, 51, "0.0409"), (350, 23, 51, "0.0409"), (360, 23, 50, "0.0409"),
                         (370, 24, 50, "0.0409"), (380, 24, 49, "0.0409"), (390, 24, 49, "0.0409"),
                         (400, 25, 49, "0.0410"), (410, 25, 48, "0.0410"))
]


def test_mmengine_default_window_of_10_chains_every_10() -> None:
    # Each line is the mean of its last 10 iterations (mmengine's default): 10 * (0.0409 * 5 + 0.0410 * 2).
    reading = timing_of("mmdetection", MMENGINE_1155).window(340, 410)
    assert reading.seconds == pytest.approx(10 * (0.0409 * 5 + 0.0410 * 2))  # 2.865 s
    assert "the last 10 iterations" in reading.semantics
    assert "window_size is 10, its default" in reading.semantics


# https://github.com/tensorpack/tensorpack/issues/1383 (1 GPU, 500 steps per epoch): an excerpt from 'Start Epoch 16'.
TP_1383 = [
    "[0119 15:37:31 @base.py:273] Start Epoch 16 ...",
    "100%|######################################################################|500/500[01:49<00:00, 4.55it/s]",
    "[0119 15:39:21 @base.py:283] Epoch 16 (global_step 8000) finished, time:1 minute 49 seconds.",
    "[0119 15:39:22 @saver.py:82] Model saved to /training/logs/gillsoft/model-8000.",
    "[0119 15:39:22 @monitor.py:474] Throughput (samples/sec): 4.5542",
]
# https://github.com/tensorpack/tensorpack/issues/1097 (2 GPUs, 500 steps per epoch, no ThroughputTracker yet).
TP_1097 = [
    "[0301 15:46:51 @base.py:274] Start Epoch 6 ...",
    "100%|######################################################################|500/500[02:04<00:00, 4.03it/s]",
    "[0301 15:48:55 @base.py:284] Epoch 6 (global_step 3000) finished, time:2 minutes 4 seconds.",
]


def test_tensorpack_excerpt_from_a_start_epoch_line_is_placed_by_its_finished_line() -> None:
    # No 'Start training with global_step' line: epoch 16 is not known to begin at step 0 but ends at 8000, so
    # it is steps 7501-8000; 500 steps at 4.5542 samples/s, 1 sample per step: 109.789 s ('1 minute 49 seconds').
    reading = timing_of("tensorpack", TP_1383, 1).window(7500, 8000)
    assert reading.seconds == pytest.approx(500 / 4.5542)
    # '2 minutes 4 seconds', truncated: 124 to 125 s for steps 2501-3000.
    assert seconds("tensorpack", TP_1097, 2500, 3000) == pytest.approx(124.5)


def test_rank_prefix_after_a_collectors_timestamp() -> None:
    """kubectl logs --timestamps puts an RFC 3339 stamp before Open MPI's '[1,r]<stdout>:' (as in
    https://github.com/tensorpack/tensorpack/issues/1478); here added to d2go #19's lines, with rank 1's copy,
    its 'time' doubled, first."""
    lines = []
    for n, line in enumerate(D2GO_19):
        doubled = line.replace("time: 0.", "time: 1.") if "time: " in line else line
        lines.append(f"2021-03-15T07:48:{n:02d}.1Z [1,1]<stdout>:{doubled}")
        lines.append(f"2021-03-15T07:48:{n:02d}.2Z [1,0]<stdout>:{line}")
    assert seconds("detectron2", lines, 20, 100) == pytest.approx(0.3080 * 98 - 0.2951 * 18)


# https://github.com/pytorch/vision references/classification/utils.py at 041fe3bc prints 'Total time' without
# '(s / it)'; a saved run with a copy of it (code index file id 4785247954; repository not disclosed), 295 batches.
TV_CLASSIFICATION_OLD = [
    "Epoch: [1] [  0/295] eta: 0:34:17 loss: 4.6944 (4.6944) acc1: 0.0000 (0.0000) time: 6.9739 data: 1.7344",
    "Epoch: [1] [100/295] eta: 0:00:53 loss: 3.0450 (3.8585) acc1: 32.8125 (19.3920) time: 0.2008 data: 0.0003",
    "Epoch: [1] [200/295] eta: 0:00:22 loss: 2.3609 (3.2121) acc1: 44.5312 (30.8147) time: 0.2032 data: 0.0002",
    "Epoch: [1] Total time: 0:01:06",
    "Validate:  [ 0/99]  eta: 0:03:15  loss: 1.5792 (1.5792)  acc1: 59.3750 (59.3750)  time: 1.9725  data: 1.9204",
    "Validate: Total time: 0:00:19",
    "Epoch: [2] [  0/295] eta: 0:08:47 loss: 2.0886 (2.0886) acc1: 49.2188 (49.2188) time: 1.7894 data: 1.5167",
    "Epoch: [2] [100/295] eta: 0:00:42 loss: 1.9604 (1.9501) acc1: 53.1250 (51.6631) time: 0.2003 data: 0.0003",
    "Epoch: [2] [200/295] eta: 0:00:19 loss: 1.8605 (1.9169) acc1: 53.9062 (52.3204) time: 0.2000 data: 0.0002",
    "Epoch: [2] Total time: 0:01:00",
    "Epoch: [3] [  0/295] eta: 0:10:52 loss: 1.8684 (1.8684) acc1: 54.6875 (54.6875) time: 2.2122 data: 1.9927",
    "Epoch: [3] [100/295] eta: 0:00:42 loss: 1.6695 (1.7235) acc1: 58.5938 (56.7992) time: 0.1952 data: 0.0002",
    "Epoch: [3] [200/295] eta: 0:00:19 loss: 1.6803 (1.6953) acc1: 58.5938 (57.5832) time: 0.1929 data: 0.0002",
    "Epoch: [3] Total time: 0:01:00",
]


def test_torchvision_total_time_without_seconds_per_iteration() -> None:
    # Epochs 2 and 3 (iterations 591-1180): int(total_time) = 60 each, so 60.5 +- 0.5 s each: 121 s +- 0.83 %.
    reading = timing_of("torchvision", TV_CLASSIFICATION_OLD).window(590, 1180)
    assert reading.seconds == pytest.approx(60.5 + 60.5)
    assert reading.window.error == pytest.approx(1.0)
    assert "whole time truncated to seconds" in reading.semantics


# https://github.com/victorca25/traiNNer/issues/72 (one 'iteration' is an epoch of a tiny data set).
TRAINNER_72 = [
    "22-12-06 09:04:54.433 - INFO: End of epoch 309 / 500000 \t Time Taken: 4.9193 sec",
    "22-12-06 09:04:59.310 - INFO: End of epoch 310 / 500000 \t Time Taken: 4.8768 sec",
    "22-12-06 09:05:04.163 - INFO: End of epoch 311 / 500000 \t Time Taken: 4.8535 sec",
    "22-12-06 09:05:09.147 - INFO: End of epoch 312 / 500000 \t Time Taken: 4.9839 sec",
]


def test_generic_elapsed_clock_that_goes_backwards_is_refused() -> None:
    # A pattern whose 'elapsed' is the seconds of the minute: 59.310 then 04.163. Dropping the negative difference
    # and bridging the gap gave 0.87 s per epoch where 'Time Taken' says 4.87.
    pattern = r"^\S+ \d\d:\d\d:(?P<elapsed>[\d.]+) - INFO: End of epoch (?P<iteration>\d+)"
    with pytest.raises(WindowError, match=r"goes backwards from 59\.31 s at iteration 310 to 4\.163 s"):
        timing_of("generic", TRAINNER_72, pattern=pattern).window(309, 312)
    # Declared as what it is, 'Time Taken' times each epoch: 4.8535 + 4.9839 for epochs 311-312.
    taken = r"End of epoch (?P<iteration>\d+) / \d+\s+Time Taken: (?P<seconds>[\d.]+) sec"
    assert seconds("generic", TRAINNER_72, 310, 312, pattern=taken, seconds_are="interval") == pytest.approx(
        4.8535 + 4.9839)


# https://github.com/apache/mxnet/issues/11284 (MXNet's Gluon example imitates the Speedometer with '%f').
GLUON_11284 = [
    "INFO:root:Epoch[0] Batch [39]\tSpeed: 2052.376520 samples/sec\taccuracy=1.000000, top_k_accuracy_5=0.975000",
    "INFO:root:Epoch[0] Batch [40]\tSpeed: 2383.476415 samples/sec\taccuracy=1.000000, top_k_accuracy_5=0.975610",
    "INFO:root:Epoch[0] Batch [41]\tSpeed: 2334.881214 samples/sec\taccuracy=1.000000, top_k_accuracy_5=0.976190",
]


def test_simpledet_semantics_say_the_printed_decimals() -> None:
    # One line per batch: 64 / 2383.476415 + 64 / 2334.881214 for batches 41-42.
    reading = timing_of("simpledet", GLUON_11284, 64).window(40, 42)
    assert reading.seconds == pytest.approx(64 / 2383.476415 + 64 / 2334.881214)
    assert "printed to 6 decimals" in reading.semantics
    assert "printed to 2 decimals" in timing_of("simpledet", SIMPLEDET_226, 24).window(21, 141).semantics


# --------------------------------------------------------------------------
# runners.parse: encodings, cut lines, comments, and saying why nothing was read
# --------------------------------------------------------------------------

# https://github.com/fizyr/keras-retinanet/issues/669 (one epoch of 10 steps, 136 s).
KERAS_669 = [
    "Epoch 1/4",
    "10/10 [==============================] - 136s 14s/step - loss: 3.8782 - regression_loss: 2.5489 - "
    "classification_loss: 1.3293",
    "",
    "Epoch 00001: saving model to ./snapshots/resnet50_pascal_01.h5",
]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_parse_reads_a_log_with_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    # Windows tools write a BOM (Notepad, PowerShell's Out-File; PowerShell 5's '>' writes UTF-16 with one).
    # Read as plain UTF-8 the BOM stuck to 'Epoch 1/4' and the only epoch was lost.
    log = tmp_path / "train.log"
    log.write_bytes("\r\n".join(KERAS_669).encode(encoding) + "\r\n".encode(encoding))
    done = parse(str(log), "--format", "keras", "--images-per-iter", "1", "--window", "0:10")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["seconds_per_iter"] == pytest.approx(136 / 10)


# https://github.com/aim-uofa/AdelaiDet/issues/63 (detectron2 v0.1-era FCOS on 8 GPUs): the paste ends inside
# the line of iter 99, after 'data_'; its 'time: 2.1501' is complete (two blanks follow it).
ADELAIDET_63 = [
    "[32m[05/17 13:27:59 d2.utils.events]:  eta: 5 days, 23:37:01  iter: 19  total_loss: 2.637  loss_fcos_cls: "
    "1.349  loss_fcos_loc: 0.575  loss_fcos_ctr: 0.696  time: 2.1912  data_time: 0.4170  lr: 0.000200  max_mem: 11740M",
    "[05/17 13:28:42 d2.utils.events]:  eta: 5 days, 22:54:49  iter: 39  total_loss: 1.694  loss_fcos_cls: 0.515  "
    "loss_fcos_loc: 0.493  loss_fcos_ctr: 0.675  time: 2.1675  data_time: 0.0442  lr: 0.000400  max_mem: 12724M",
    "[05/17 13:29:24 d2.utils.events]:  eta: 5 days, 22:17:46  iter: 59  total_loss: 1.512  loss_fcos_cls: 0.426  "
    "loss_fcos_loc: 0.434  loss_fcos_ctr: 0.663  time: 2.1501  data_time: 0.0426  lr: 0.000599  max_mem: 12724M",
    "[05/17 13:30:07 d2.utils.events]:  eta: 5 days, 22:17:03  iter: 79  total_loss: 1.458  loss_fcos_cls: 0.406  "
    "loss_fcos_loc: 0.399  loss_fcos_ctr: 0.659  time: 2.1442  data_time: 0.0609  lr: 0.000799  max_mem: 12724M",
    "[05/17 13:30:50 d2.utils.events]:  eta: 5 days, 21:53:18  iter: 99  total_loss: 1.427  loss_fcos_cls: 0.382  "
    "loss_fcos_loc: 0.388  loss_fcos_ctr: 0.657  time: 2.1501  data_",
]


def test_parse_reads_the_complete_fields_of_a_cut_last_line(tmp_path: Path) -> None:
    log = tmp_path / "train.log"
    log.write_text("\n".join(ADELAIDET_63), encoding="utf-8")  # no final line end
    done = parse(str(log), "--format", "detectron2", "--images-per-iter", "16", "--window", "20:100")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    # Cumulative means from iteration 0 (the first line is iteration 19): (2.1501 * 98 - 2.1912 * 18) / 80.
    assert out["seconds_per_iter"] == pytest.approx((2.1501 * 98 - 2.1912 * 18) / 80)  # 2.14085
    assert any("no line end" in w and "before the cut were read" in w for w in out["warnings"])
    # A format whose fields run to the line's end does not read a cut line: tensorpack's '1 minute 4' of
    # '1 minute 49 seconds' would be 60 s.
    cut = tmp_path / "tp.log"
    cut.write_text("\n".join([*TP_1383[:2], TP_1383[2][:TP_1383[2].index("49")] + "4"]), encoding="utf-8")
    refused = parse(str(cut), "--format", "tensorpack", "--images-per-iter", "1", "--window", "7500:8000")
    assert refused.returncode == 1 and "no progress lines were recognised" in refused.stderr


def test_parse_skips_comment_lines(tmp_path: Path) -> None:
    # A note a person added to the saved log, quoting a line, is not progress (it read as iteration 5 before).
    log = tmp_path / "train.log"
    note = "# notes: the first line was 'Epoch [1][5/35]\tlr: 1.000e-02, eta: 0:10:35, time: 9.999, data_time: 9.9'"
    log.write_text("\n".join([note, *MMCLS_360[:3]]) + "\n", encoding="utf-8")
    done = parse(str(log), "--format", "mmdetection", "--images-per-iter", "16", "--window", "0:30")
    out = json.loads(done.stdout)
    assert out["covers"] == [10, 30]
    assert out["seconds_per_iter"] == pytest.approx(10 * (0.611 + 0.402 + 0.402) / 30)


def test_parse_says_why_no_progress_line_was_read(tmp_path: Path) -> None:
    # https://github.com/jwyang/graph-rcnn.pytorch/issues/36: a maskrcnn-benchmark derivative printing 'iter: N/M'.
    log = tmp_path / "train.log"
    log.write_text(
        "2019-08-09 08:27:51,129 scene_graph_generation.trainer INFO: model: scene_parser  eta: 9:23:08  "
        "iter: 400/100000  loss: 1.3282 (1.7008)  time: 0.3376 (0.3392)  data: 0.0047 (0.0063)  lr: 0.004340  "
        "max mem: 3158\n", encoding="utf-8")
    done = parse(str(log), "--format", "maskrcnn-benchmark", "--images-per-iter", "16", "--window", "400:440")
    assert done.returncode == 1
    assert "the 'maskrcnn-benchmark' format recognised no progress line" in done.stderr
    assert "iter: 400/100000" in done.stderr
    # Every line of another rank than the one asked for: said too.
    ranked = tmp_path / "ranked.log"
    ranked.write_text("\n".join(f"[rank1]: {line}" for line in KERAS_669) + "\n", encoding="utf-8")
    done = parse(str(ranked), "--format", "keras", "--images-per-iter", "1", "--window", "0:10")
    assert done.returncode == 1 and "line(s) of other ranks than 0 were skipped" in done.stderr
