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
    reading = timing_of("mmdetection", MMDET_EPOCH_END).window(900, 1012)
    gap = 12 * (0.905 + 0.969) / 2  # iterations 951-962: in no line; the neighbours' pace
    assert reading.seconds == pytest.approx(0.905 * 50 + gap + 0.969 * 50)
    assert any("950-962" in w for w in reading.warnings)


def test_mmengine_window_is_stated_or_assumed() -> None:
    # https://github.com/open-mmlab/mmdetection/pull/10498 (mmdetection 3.x on mmengine), two lines 50 apart.
    lines = [
        "07/04 08:12:50 - mmengine - INFO - Epoch(train)  [1][ 750/7393]  base_lr: 3.7531e-05 lr: 3.7531e-05  "
        "eta: 3 days, 9:40:59  time: 0.5451  data_time: 0.0148  memory: 14765  loss: 36.8871",
        "07/04 08:13:18 - mmengine - INFO - Epoch(train)  [1][ 800/7393]  base_lr: 4.0030e-05 lr: 4.0030e-05  "
        "eta: 3 days, 9:33:46  time: 0.5410  data_time: 0.0151  memory: 14765  loss: 36.6604",
    ]
    reading = timing_of("mmdetection", lines).window(750, 800)
    assert reading.seconds == pytest.approx(0.5410 * 50)
    assert "window_size is 50, mmdetection 3.x's default" in reading.semantics
    # mmengine's own default window of 10 times only the last 10 of every 50: refused.
    with pytest.raises(WindowError, match="time only"):
        timing_of("mmdetection", lines, window_size=10).window(750, 800)


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
