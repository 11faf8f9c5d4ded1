"""Tests for sphinx_benchbench.runners.logformats against real log text.

Why these tests look the way they do: a parser that misreads a log does not
crash, it produces a plausible wrong number.  So the "known truth" here is
lines copied from real training logs (the source is noted next to each), and
every counting rule (0- or 1-based, per epoch or global) is pinned by a test
whose expected value is derived from the implementation's source code, cited
in the parser's description and in docs/runners/log-formats.rst.  Where no
real log was found, the line is built from the implementation's own format
string and says so.
"""

from __future__ import annotations

import itertools
import random
import re
import time
from collections.abc import Callable, Iterator

import pytest

from sphinx_benchbench.runners.logformats import (
    FORMATS,
    LogFormatError,
    LogParser,
    Reported,
    make_parser,
)
from sphinx_benchbench.runners.logformats.base import clean

# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def feed_all(parser: LogParser, lines: list[str]) -> list[Reported]:
    """Feed lines the way the engine does and keep the progress reports."""
    out = []
    for line in lines:
        p = parser.feed(line)
        if p is not None:
            out.append(p)
    return out


def split_stream(stream: str) -> list[str]:
    """Split raw output on \\n and \\r, as the engine does."""
    return re.split(r"\r|\n", stream)


GREEN, RESET = "\x1b[32m", "\x1b[0m"

# Lines from other loggers and plain noise that no parser may read as progress.
NOISE = [
    "",
    "   ",
    "Loading annotations into memory...",
    "Done (t=18.12s)",
    "creating index...",
    f"{GREEN}[08/05 10:00:00 d2.engine.hooks]: {RESET}Saved checkpoint to ./output/model_0004999.pth",
    "WARNING: Logging before flag parsing goes to stderr.",
    "Traceback (most recent call last):",
    "\x1b[31mERROR\x1b[0m something unrelated 12 of 40",
    "/usr/lib/python3/site-packages/torch/functional.py:445: UserWarning: torch.meshgrid: ...",
    "{'iter': 3, 'loss': 1.0}",
    "2020-05-08 18:56:16,649 - mmdet - INFO - Saving checkpoint at 1 epochs",
]


# --------------------------------------------------------------------------
# Registry and options
# --------------------------------------------------------------------------


def test_formats_registry_names() -> None:
    assert set(FORMATS) == {
        "detectron2",
        "mmdetection",
        "maskrcnn-benchmark",
        "tensorpack",
        "simpledet",
        "detectron",
        "keras",
        "torchvision",
        "generic",
    }
    for name, cls in FORMATS.items():
        assert cls.name == name
        assert isinstance(cls.description, str)
        assert len(cls.description) > 200


def test_make_parser_unknown_name_lists_known() -> None:
    with pytest.raises(ValueError, match=r"known formats: .*detectron2.*mmdetection"):
        make_parser("detectron3")


def test_unknown_option_is_type_error_naming_format_and_options() -> None:
    with pytest.raises(TypeError, match=r"'simpledet'.*iter_per_epoch.*batch_size, iters_per_epoch, rank"):
        make_parser("simpledet", iter_per_epoch=100)
    with pytest.raises(TypeError, match=r"'detectron2'.*window.*options are: rank, start_iter$"):
        make_parser("detectron2", window=20)


@pytest.mark.parametrize(
    ("name", "options", "words"),
    [
        ("simpledet", {"iters_per_epoch": 0}, "option 'iters_per_epoch' must be a positive int, got 0"),
        ("simpledet", {"iters_per_epoch": "100"}, "option 'iters_per_epoch' must be a positive int, got '100'"),
        ("simpledet", {"batch_size": True}, "option 'batch_size' must be a positive int, got True"),
        ("keras", {"steps_per_epoch": -1}, "option 'steps_per_epoch' must be a positive int, got -1"),
        ("tensorpack", {"steps_per_epoch": 1.5}, "option 'steps_per_epoch' must be a positive int, got 1.5"),
        ("maskrcnn-benchmark", {"zero_based": 1}, "option 'zero_based' must be a bool, got 1"),
        ("generic", {}, "needs option 'pattern' (a regex with a named group 'iteration')"),
        ("generic", {"pattern": r"step (\d+)"}, "option 'pattern' needs a named group 'iteration'"),
        ("generic", {"pattern": r"step (?P<iteration>\d+"}, "option 'pattern' is not a valid regex: missing )"),
        ("generic", {"pattern": r"step (?P<iteration>\d+)", "zero_based": "yes"},
         "option 'zero_based' must be a bool, got 'yes'"),
    ],
)
def test_bad_option_values_are_type_errors(name: str, options: dict[str, object], words: str) -> None:
    """Each bad option is refused with a message naming the format, the option and what was wrong."""
    with pytest.raises(TypeError, match=rf"^log format '{re.escape(name)}'.*{re.escape(words)}"):
        make_parser(name, **options)


def test_each_instance_has_its_own_state() -> None:
    a, b = make_parser("keras"), make_parser("keras")
    a.feed("Epoch 3/40")
    assert b.feed(" 5/100 [>.............................] - ETA: 249s - loss: 0.26") is None


def test_feed_rejects_unsplit_lines() -> None:
    with pytest.raises(ValueError, match="split"):
        make_parser("detectron2").feed("a\rb")


def test_log_format_error_is_value_error_and_quotes_line() -> None:
    parser = make_parser("simpledet")
    line = "Epoch[1] Batch [20]\tSpeed: 33.26 samples/sec\tTrain-RPNAcc=0.97,\t"
    with pytest.raises(LogFormatError) as info:
        parser.feed(line)
    assert isinstance(info.value, ValueError)
    assert repr(line) in str(info.value)
    assert info.value.line == line


@pytest.mark.parametrize("name", sorted(set(FORMATS) - {"generic"}))
@pytest.mark.parametrize("line", NOISE)
def test_noise_is_not_progress(name: str, line: str) -> None:
    assert make_parser(name).feed(line) is None


# --------------------------------------------------------------------------
# detectron2
# --------------------------------------------------------------------------

# facebookresearch/detectron2 issue #195 (2019 detectron2, 'lr: %.6f').
D2_OLD = [
    "[11/01 11:27:04 d2.utils.events]: eta: 8:05:12  iter: 1259  total_loss: 1.012  loss_cls: 0.714  "
    "loss_box_reg: 0.291  time: 0.3322  data_time: 0.0334  lr: 0.010000  max_mem: 3961M",
    "[11/01 11:27:11 d2.utils.events]: eta: 8:04:51  iter: 1279  total_loss: 0.971  loss_cls: 0.699  "
    "loss_box_reg: 0.274  time: 0.3323  data_time: 0.0418  lr: 0.010000  max_mem: 3961M",
]
# facebookresearch/d2go issue #19 (detectron2 >= 0.3, 'lr: %.5g').
D2_NEW = [
    "[03/15 07:47:57 d2.engine.train_loop]: Starting training from iteration 0",
    "[03/15 07:48:04 d2.utils.events]:  eta: 0:01:23  iter: 19  total_loss: 1.475  loss_cls: 0.7214  "
    "loss_box_reg: 0.6375  loss_rpn_cls: 0.07351  loss_rpn_loc: 0.004179  time: 0.2951  data_time: 0.0589  "
    "lr: 6.1638e-06  max_mem: 824M",
    "[03/15 07:48:10 d2.utils.events]:  eta: 0:01:17  iter: 39  total_loss: 1.383  loss_cls: 0.7036  "
    "loss_box_reg: 0.5085  loss_rpn_cls: 0.08158  loss_rpn_loc: 0.004653  time: 0.3084  data_time: 0.0369  "
    "lr: 1.2389e-05  max_mem: 824M",
]


def test_detectron2_iter_is_zero_based() -> None:
    # PeriodicWriter writes in after_step when (iter + 1) % 20 == 0: 'iter: 19' = 20 done.
    got = feed_all(make_parser("detectron2"), D2_NEW)
    assert [p.iteration for p in got] == [20, 40]


def test_detectron2_old_format_and_resume() -> None:
    got = feed_all(make_parser("detectron2"), D2_OLD)
    assert [p.iteration for p in got] == [1260, 1280]


def test_detectron2_logger_variants_and_colour() -> None:
    # ChenhongyiYang/QueryDet-PyTorch issue #17: a file-handler format.
    line = (
        "[04/14 09:05:02] d2.utils.events INFO:  eta: 0:11:54  iter: 119  total_loss: 9.214  loss_cls: 2.549  "
        "loss_box_reg: 1.002  loss_query: 5.513  time: 0.8153  data_time: 0.0220  lr: 0.001199  max_mem: 28515M"
    )
    assert make_parser("detectron2").feed(line) == Reported(120)
    # detectron2's terminal formatter colours the prefix green.
    coloured = f"{GREEN}[03/15 07:48:04 d2.utils.events]: {RESET} eta: 0:01:23  iter: 19  total_loss: 1.475  lr: 6e-06"
    assert make_parser("detectron2").feed(coloured) == Reported(20)


def test_detectron2_time_is_not_last_time_or_data_time() -> None:
    # Built from CommonMetricPrinter's newest format string (time, last_time, data_time, last_data_time).
    line = (
        "[05/01 10:00:00 d2.utils.events]:  eta: 0:11:16  iter: 39  total_loss: 2.09  loss_cls: 0.6932  "
        "time: 0.3375  last_time: 0.3262  data_time: 0.0246  last_data_time: 0.0055   lr: 0.00039962  max_mem: 2795M"
    )
    assert make_parser("detectron2").feed(line) == Reported(40)
    no_time = "[05/01 10:00:00 d2.utils.events]:  iter: 19  total_loss: 2.1  data_time: 0.0246  lr: 0.0002"
    assert make_parser("detectron2").feed(no_time) == Reported(20)


@pytest.mark.parametrize(
    "line",
    [
        # facebookresearch/detectron2 issues #1690 and #4469: evaluation progress during training.
        "[06/27 04:55:29 d2.evaluation.evaluator]: Inference done 736/5000. 0.7093 s / img. ETA=0:50:33",
        "[08/08 13:52:24 d2.evaluation.evaluator]: Inference done 2309/6028. Dataloading: 0.0008 s/iter. "
        "Inference: 0.1869 s/iter. Eval: 0.0004 s/iter. Total: 0.1882 s/iter. ETA=0:11:40",
        # detectron2/engine/hooks.py IterationTimer.after_train format.
        "[08/08 13:52:24 d2.engine.hooks]: Overall training speed: 87 iterations in 0:00:37 (0.4340 s / it)",
        "[08/08 13:52:24 d2.engine.hooks]: Total training time: 0:00:39 (0:00:01 on hooks)",
        "  MAX_ITER: 90000",
        # Partial line: cut before 'lr:' arrives.
        "[03/15 07:48:04 d2.utils.events]:  eta: 0:01:23  iter: 1",
        "[03/15 07:48:04 d2.utils.events]:  eta: 0:01:23  iter: 19  total_loss: 1.475  loss_cls: 0.72",
    ],
)
def test_detectron2_lookalikes_are_none(line: str) -> None:
    assert make_parser("detectron2").feed(line) is None


def test_detectron2_rejects_maskrcnn_benchmark_line() -> None:
    with pytest.raises(LogFormatError, match="maskrcnn-benchmark"):
        make_parser("detectron2").feed(MRCNN[0])


def test_detectron2_backwards_raises_and_repeat_is_none() -> None:
    parser = make_parser("detectron2")
    parser.feed(D2_NEW[2])
    assert parser.feed(D2_NEW[2]) is None  # old detectron2 may write the last line twice
    with pytest.raises(LogFormatError, match="backwards from 40 to 20"):
        parser.feed(D2_NEW[1])


# --------------------------------------------------------------------------
# maskrcnn-benchmark
# --------------------------------------------------------------------------

# tianzhi0549/FCOS issue #55 (FCOS uses maskrcnn-benchmark's trainer).
MRCNN = [
    "2019-05-31 07:57:47,793 maskrcnn_benchmark.trainer INFO: eta: 5 days, 22:13:05  iter: 20  loss: 2.3235 "
    "(2.9695)  loss_cls: 0.5318 (0.5656)  loss_reg: 1.1120 (1.7430)  loss_centerness: 0.6524 (0.6609)  "
    "time: 0.7022 (0.7111)  data: 0.4336 (0.4301)  lr: 0.000833  max mem: 5004",
    "2019-05-31 07:58:00,745 maskrcnn_benchmark.trainer INFO: eta: 5 days, 15:51:49  iter: 40  loss: 1.7949 "
    "(2.3784)  loss_cls: 0.3969 (0.4833)  loss_reg: 0.7550 (1.2519)  loss_centerness: 0.6184 (0.6432)  "
    "time: 0.6546 (0.6794)  data: 0.3657 (0.3990)  lr: 0.000833  max mem: 5004",
]


def test_maskrcnn_benchmark_iter_is_one_based() -> None:
    # do_train: iteration = iteration + 1, printed when iteration % 20 == 0.
    got = feed_all(make_parser("maskrcnn-benchmark"), MRCNN)
    assert [p.iteration for p in got] == [20, 40]
    # 'time: median (global average)': own time is the window median.


def test_maskrcnn_benchmark_issue_825_line() -> None:
    # facebookresearch/maskrcnn-benchmark issue #825.
    line = (
        "2019-05-27 10:48:54,461 maskrcnn_benchmark.trainer INFO: eta: 0:17:37  iter: 87940  loss: 0.6097 (0.9191)  "
        "loss_classifier: 0.1472 (0.3151)  loss_box_reg: 0.0702 (0.1441)  loss_mask: 0.2618 (0.3238)  "
        "loss_objectness: 0.0190 (0.0683)  loss_rpn_box_reg: 0.0148 (0.0678)  time: 0.5063 (0.5132)  "
        "data: 0.0062 (0.0078)  lr: 0.000025  max mem: 4358"
    )
    assert make_parser("maskrcnn-benchmark").feed(line) == Reported(87940)


def test_maskrcnn_benchmark_old_zero_based_trainer() -> None:
    # Pre-2019 do_train printed the enumerate() index: 'iter: 0', 20, 40, ... max_iter - 1.
    first = MRCNN[0].replace("iter: 20", "iter: 0")
    with pytest.raises(LogFormatError, match="zero_based=True"):
        make_parser("maskrcnn-benchmark").feed(first)
    got = feed_all(make_parser("maskrcnn-benchmark", zero_based=True), [first, *MRCNN])
    assert [p.iteration for p in got] == [1, 21, 41]


def test_maskrcnn_benchmark_rejects_detectron2_line_and_ignores_others() -> None:
    with pytest.raises(LogFormatError, match="detectron2"):
        make_parser("maskrcnn-benchmark").feed(D2_NEW[1])
    parser = make_parser("maskrcnn-benchmark")
    assert parser.feed("2019-05-31 07:57:40,000 maskrcnn_benchmark.trainer INFO: Start training") is None
    partial = "2019-05-31 07:57:47,793 maskrcnn_benchmark.trainer INFO: eta: 5 days, 22:13:05  iter: 2"
    assert parser.feed(partial) is None
    assert (
        parser.feed("2019-06-01 07:57:47,793 maskrcnn_benchmark.trainer INFO: Total training time: 1 day (0.61 s / it)")
        is None
    )


# --------------------------------------------------------------------------
# mmdetection
# --------------------------------------------------------------------------

# open-mmlab/mmdetection issue #2672 (mmdet 2.x through mmcv TextLoggerHook).
MMDET2 = [
    "2020-05-08 18:56:16,649 - mmdet - INFO - Epoch [1][2400/7517]\tlr: 0.00125, eta: 4:33:09, time: 0.595, "
    "data_time: 0.032, memory: 6836, loss_rpn_cls: 0.0989, loss_rpn_bbox: 0.0477, loss_cls: 0.1939, "
    "acc: 93.4961, loss_bbox: 0.1484, loss: 0.4890",
    "2020-05-08 18:56:46,439 - mmdet - INFO - Epoch [1][2450/7517]\tlr: 0.00125, eta: 4:32:41, time: 0.596, "
    "data_time: 0.031, memory: 6836, loss_rpn_cls: 0.0875, loss_rpn_bbox: 0.0440, loss_cls: 0.1996, "
    "acc: 93.3379, loss_bbox: 0.1483, loss: 0.4794",
]
# open-mmlab/mmdetection PR #10498 (mmdet 3.x through mmengine LogProcessor), shortened.
MMDET3 = [
    "07/04 08:12:50 - mmengine - INFO - Epoch(train)  [1][ 750/7393]  base_lr: 3.7531e-05 lr: 3.7531e-05  "
    "eta: 3 days, 9:40:59  time: 0.5451  data_time: 0.0148  memory: 14765  grad_norm: 45.8713  loss: 37.4994",
    "07/04 08:13:18 - mmengine - INFO - Epoch(train)  [1][ 800/7393]  base_lr: 4.0030e-05 lr: 4.0030e-05  "
    "eta: 3 days, 9:33:46  time: 0.5410  data_time: 0.0151  memory: 14765  grad_norm: 45.5470  loss: 36.6604",
]


def test_mmdet2_epoch_lines() -> None:
    got = feed_all(make_parser("mmdetection"), MMDET2)
    assert [p.iteration for p in got] == [2400, 2450]


def test_mmdet3_epoch_lines() -> None:
    got = feed_all(make_parser("mmdetection"), MMDET3)
    assert [p.iteration for p in got] == [750, 800]


def test_mmdet_epoch_rollover_uses_printed_length() -> None:
    # Both numbers 1-based: [2][50/7517] is 7517 + 50 completed iterations.
    parser = make_parser("mmdetection")
    parser.feed(MMDET2[0])
    nxt = MMDET2[0].replace("Epoch [1][2400/7517]", "Epoch [2][50/7517]")
    assert parser.feed(nxt) == Reported(7517 + 50)
    parser3 = make_parser("mmdetection")
    parser3.feed(MMDET3[0])
    assert parser3.feed(MMDET3[0].replace("[1][ 750/7393]", "[2][  50/7393]")).iteration == 7393 + 50


def test_mmdet_first_lines_and_resumed_epoch() -> None:
    # open-mmlab/mmdetection issue #2785, interval 1: the first line is one completed iteration.
    first = (
        "2020-05-21 04:01:24,249 - mmdet - INFO - Epoch [1][1/678]\tlr: 0.00020, eta: 1 day, 16:21:05, "
        "time: 1.269, data_time: 0.011, memory: 9581, loss_rpn_cls: 0.6986, loss: 3.4410"
    )
    assert make_parser("mmdetection").feed(first) == Reported(1)
    # LiamLian0727/WaterMask issue #3 (two spaces instead of a tab): resumed at epoch 19.
    line = (
        "2024-03-24 01:22:33,251 - mmdet - INFO - Epoch [19][1000/1969]  lr: 2.500e-03, eta: 9:44:51, "
        "time: 0.991, data_time: 0.026, memory: 10150, loss_rpn_cls: 0.0271, loss: 1.0313, grad_norm: 4.9155"
    )
    assert make_parser("mmdetection").feed(line) == Reported(18 * 1969 + 1000)


def test_mmdet_other_textlogger_variants() -> None:
    # Some mmcv 1.x versions print the mode: 'Epoch(train) [4][100/1000]\t'.
    line = "2022-01-01 00:00:00,000 - mmdet - INFO - Epoch(train) [4][100/1000]\tlr: 2.000e-02, eta: 1:00:00, time: 0.4"
    assert make_parser("mmdetection").feed(line) == Reported(3100)
    # open-mmlab/mmengine PR #155: unpadded mmengine header.
    line = "04/21 21:03:53 - mmengine - INFO - Epoch(train) [1][20/90]  lr: 1.000e-02  eta: 0:00:13  time: 0.005"
    assert make_parser("mmdetection").feed(line) == Reported(20)


def test_mmdet_iter_based_forms() -> None:
    # mmcv IterBasedRunner ('Iter [50/90000]\t') and mmengine by_epoch=False ('Iter(train) [   50/90000]  ').
    mmcv = [f"Iter [{i}/90000]\tlr: 2.000e-02, eta: 9:00:00, time: 0.360, data_time: 0.010" for i in (50, 100)]
    assert [p.iteration for p in feed_all(make_parser("mmdetection"), mmcv)] == [50, 100]
    eng = f"06/01 10:00:00 - mmengine - INFO - Iter(train) [{150:>5}/90000]  lr: 2.0000e-02  eta: 9:00:00  time: 0.3600"
    assert make_parser("mmdetection").feed(eng) == Reported(150)


@pytest.mark.parametrize(
    "line",
    [
        # mmcv TextLoggerHook val format: 'Epoch(val) [epoch][iter]\t'.
        "2020-05-09 00:00:00,000 - mmdet - INFO - Epoch(val) [1][625]\tbbox_mAP: 0.3740, bbox_mAP_50: 0.5810",
        # mmengine val/test progress (LogProcessor.get_log_after_iter with mode val/test).
        "07/04 09:00:00 - mmengine - INFO - Epoch(val)  [1][  50/5000]    eta: 0:04:02  time: 0.0502  data_time: 0.002",
        "07/04 09:00:00 - mmengine - INFO - Epoch(val) [1][5000/5000]    coco/bbox_mAP: 0.3740  data_time: 0.0020",
        "07/04 09:00:00 - mmengine - INFO - Epoch(test) [  50/5000]    eta: 0:04:02  time: 0.0502",
        "07/04 09:00:00 - mmengine - INFO - Iter(val) [  50/5000]    eta: 0:04:02  time: 0.0502",
        "[>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>>] 5000/5000, 20.5 task/s, elapsed: 244s, ETA:     0s",
        "2020-05-08 18:56:16,649 - mmdet - INFO - Exp name: faster_rcnn_r50_fpn_1x_coco.py",
        # Partial line: the closing bracket has not arrived.
        "2020-05-08 18:56:16,649 - mmdet - INFO - Epoch [1][2400/75",
    ],
)
def test_mmdet_val_test_and_partial_lines_are_none(line: str) -> None:
    assert make_parser("mmdetection").feed(line) is None


def test_mmdet_old_mmcv_evaluation_line_under_the_training_header_is_not_progress() -> None:
    """mmcv <= 1.2 logs an epoch's evaluation with the train header, after the evaluation ran
    (zhengye1995/Tianchi issue 13); read as iteration 724 it would stamp the evaluation time on it."""
    parser = make_parser("mmdetection")
    train = ("2020-08-12 08:07:10,123 - mmdet - INFO - Epoch [4][150/181]\tlr: 0.03000, eta: 0:30:00, "
             "time: 0.532, data_time: 0.010, memory: 3000, loss: 1.0000")
    evaluation = ("2020-08-12 08:08:38,401 - mmdet - INFO - Epoch [4][181/181]\tlr: 0.03000, "
                  "bbox_mAP: 0.2090, bbox_mAP_50: 0.3710, bbox_mAP_75: 0.2140")
    assert parser.feed(train) == Reported(3 * 181 + 150)
    assert parser.feed(evaluation) is None


def test_mmdet_inconsistencies_raise() -> None:
    parser = make_parser("mmdetection")
    parser.feed(MMDET2[1])
    with pytest.raises(LogFormatError, match="backwards"):
        parser.feed(MMDET2[0])
    parser = make_parser("mmdetection")
    parser.feed(MMDET2[0])
    with pytest.raises(LogFormatError, match="changed from 7517 to 7000"):
        parser.feed(MMDET2[1].replace("2450/7517", "2450/7000"))
    parser = make_parser("mmdetection")
    parser.feed(MMDET2[0])
    with pytest.raises(LogFormatError, match="switched"):
        parser.feed("Iter [50/90000]\tlr: 2.000e-02, time: 0.360")
    with pytest.raises(LogFormatError, match="outside"):
        make_parser("mmdetection").feed("Epoch [1][7518/7517]\tlr: 0.00125, time: 0.5")
    with pytest.raises(LogFormatError, match="epoch 0"):
        make_parser("mmdetection").feed("Epoch [0][50/7517]\tlr: 0.00125, time: 0.5")


# --------------------------------------------------------------------------
# torchvision
# --------------------------------------------------------------------------

# No real log was found in the stored corpora; built from references/detection/utils.py
# log_every (delimiter "  ", header f"Epoch: [{epoch}]", '[{i:4d}/7329]', time fmt '{avg:.4f}').


def tv_line(epoch: int, i: int, n: int = 7329, t: str = "0.4500", header: str | None = None) -> str:
    header = header if header is not None else f"Epoch: [{epoch}]"
    return (
        f"{header}  [{i:{len(str(n))}d}/{n}]  eta: 1:00:00  lr: 0.000400  loss: 2.1000 (2.3000)  "
        f"loss_classifier: 0.5000 (0.6000)  time: {t}  data: 0.0100  max mem: 5000"
    )


def test_torchvision_index_is_zero_based_within_epoch() -> None:
    got = feed_all(make_parser("torchvision"), [tv_line(0, 0), tv_line(0, 20), tv_line(0, 7328)])
    assert [p.iteration for p in got] == [1, 21, 7329]


def test_torchvision_epoch_rollover() -> None:
    parser = make_parser("torchvision")
    feed_all(parser, [tv_line(0, 7300), tv_line(0, 7328)])
    assert parser.feed(tv_line(1, 0)) == Reported(7329 + 1)
    assert parser.feed(tv_line(1, 20)) == Reported(7329 + 21)
    assert make_parser("torchvision").feed(tv_line(25, 100)) == Reported(25 * 7329 + 101)


@pytest.mark.parametrize(
    "line",
    [
        tv_line(0, 100, n=5000, header="Test:"),
        "Epoch: [0] Total time: 1:00:00 (0.4912 s / it)",
        "Test:  Total time: 0:05:00 (0.0600 s / it)",
        "Averaged stats: model_time: 0.0500 (0.0520)  evaluator_time: 0.0100 (0.0110)",
        "Epoch: [0]  [  20/73",
    ],
)
def test_torchvision_eval_and_partial_lines_are_none(line: str) -> None:
    assert make_parser("torchvision").feed(line) is None


def test_torchvision_inconsistencies_raise() -> None:
    parser = make_parser("torchvision")
    parser.feed(tv_line(1, 20))
    with pytest.raises(LogFormatError, match="backwards"):
        parser.feed(tv_line(0, 7328))
    parser = make_parser("torchvision")
    parser.feed(tv_line(0, 20))
    with pytest.raises(LogFormatError, match="length changed"):
        parser.feed(tv_line(0, 40, n=7000))
    with pytest.raises(LogFormatError, match="outside"):
        make_parser("torchvision").feed(tv_line(0, 7329))


# --------------------------------------------------------------------------
# Detectron (Caffe2)
# --------------------------------------------------------------------------

# facebookresearch/Detectron issue #610.
DETECTRON = (
    'json_stats: {"accuracy_cls": 1.000000, "eta": "0:21:51", "iter": 55080, "loss": 0.024404, '
    '"loss_bbox": 0.000645, "loss_cls": 0.001896, "loss_mask": 0.020639, "lr": 0.000025, "mb_qsize": 64, '
    '"mem": 3084, "time": 0.266505}'
)


def test_detectron_iter_is_zero_based() -> None:
    assert make_parser("detectron").feed(DETECTRON) == Reported(55081)


def test_detectron_first_lines_and_string_floats() -> None:
    # log_json_stats formats top-level floats with '{:.6f}'; json.dumps may then quote them.
    lines = [
        'json_stats: {"eta": "1 day, 13:30:44", "iter": 0, "loss": "2.000000", "lr": "0.003333", "time": "1.203000"}',
        'json_stats: {"eta": "1 day, 13:30:44", "iter": 20, "loss": "1.500000", "lr": "0.003600", "time": "0.562685"}',
    ]
    got = feed_all(make_parser("detectron"), lines)
    assert got == [Reported(1), Reported(21)]


@pytest.mark.parametrize(
    "line",
    [
        'json_stats: {"accuracy_cls": 1.000000, "eta": "0:21:51", "iter": 55',
        "INFO net.py:  59: Loading weights from: /tmp/R-50.pkl",
        "INFO test_engine.py: 276: im_detect: range [1, 5000] of 5000: 10/5000 0.123s + 0.004s (eta: 0:10:12)",
        '{"iter": 20, "time": 0.5}',
    ],
)
def test_detectron_partial_and_other_lines_are_none(line: str) -> None:
    assert make_parser("detectron").feed(line) is None


def test_detectron_hostile_json_stats_neither_crash_nor_stall() -> None:
    parser = make_parser("detectron")
    assert parser.feed('json_stats: {"iter": 200, "a": ' + "[" * 100_000) is None  # too deep: not JSON here
    started = time.monotonic()
    assert parser.feed("json_stats: {" * 30_000) is None
    assert time.monotonic() - started < 1, "no backtracking over a long line"
    assert parser.feed('json_stats: {"iter": 19, "time": NaN}') == Reported(20)
    assert parser.feed('json_stats: {"iter": 39, "time": "Infinity"}') == Reported(40)


def test_detectron_bad_json_stats_raise() -> None:
    with pytest.raises(LogFormatError, match="integer 'iter'"):
        make_parser("detectron").feed('json_stats: {"eta": "0:21:51", "time": 0.2}')
    with pytest.raises(LogFormatError, match="not a number"):
        make_parser("detectron").feed('json_stats: {"iter": 20, "time": "fast"}')


# --------------------------------------------------------------------------
# SimpleDet / MXNet Speedometer
# --------------------------------------------------------------------------

# msracver/Deep-Feature-Flow issue #62: MXNet detection code using the same Speedometer
# format string as SimpleDet's utils/callback.py ("Epoch[%d] Batch [%d]\tSpeed: %.2f samples/sec\tTrain-").
SPEEDO = (
    "2018-10-22 18:27:28,753 Epoch[0] Batch [6100]\tSpeed: 5.30 samples/sec\tTrain-RPNAcc=0.973044,\t"
    "RPNLogLoss=0.081284,\tRPNL1Loss=0.116921,\tRCNNAcc=0.799980,\tRCNNLogLoss=0.748862,\tRCNNL1Loss=0.298586,\t"
)


def test_simpledet_batch_is_zero_based() -> None:
    # fit passes nbatch before 'nbatch += 1': 'Batch [6100]' means 6101 batches done.
    assert make_parser("simpledet").feed(SPEEDO) == Reported(6101)


def test_simpledet_seconds_need_batch_size() -> None:
    got = make_parser("simpledet", batch_size=2).feed(SPEEDO)
    assert got is not None


def test_simpledet_epoch_rollover_needs_iters_per_epoch() -> None:
    first = "Epoch[0] Batch [20]\tSpeed: 33.26 samples/sec\tTrain-RpnAcc=0.973044,\t"
    nxt = "Epoch[1] Batch [20]\tSpeed: 33.30 samples/sec\tTrain-RpnAcc=0.973144,\t"
    parser = make_parser("simpledet")
    assert parser.feed(first) == Reported(21)
    with pytest.raises(LogFormatError, match="pass iters_per_epoch"):
        parser.feed(nxt)
    parser = make_parser("simpledet", iters_per_epoch=14658, batch_size=16)
    assert parser.feed(first) == Reported(21)
    assert parser.feed(nxt).iteration == 14658 + 21
    with pytest.raises(LogFormatError, match="exceeds"):
        make_parser("simpledet", iters_per_epoch=20).feed(first)


def test_simpledet_mxnet_variants() -> None:
    # MXNet 1.x Speedometer: 'Epoch[%d] Batch [%d-%d]' (auto_reset) and 'Iter[%d] Batch [%d]' (no metric).
    line = "Epoch[0] Batch [0-20]\tSpeed: 33.26 samples/sec\taccuracy=0.5"
    assert make_parser("simpledet").feed(line) == Reported(21)
    assert make_parser("simpledet").feed("Iter[0] Batch [40]\tSpeed: 33.26 samples/sec") == Reported(41)


@pytest.mark.parametrize(
    "line",
    [
        "Epoch[0] Train-RpnAcc=0.973044",
        "Epoch[0] Time cost=1234.567",
        "Epoch[0] Validation-accuracy=0.5",
        "Saved checkpoint to \"experiments/faster_r50v1_fpn_1x/checkpoint-0001.params\"",
        "total iter 175896",
        "Epoch[0] Batch [20]\tSpe",
    ],
)
def test_simpledet_other_lines_are_none(line: str) -> None:
    assert make_parser("simpledet").feed(line) is None


# --------------------------------------------------------------------------
# tensorpack
# --------------------------------------------------------------------------

# tensorpack/tensorpack issue #1383, with the bar redraws a terminal would show
# (tensorpack's bar_format '{l_bar}{bar}|{n_fmt}/{total_fmt}[{elapsed}<{remaining},{rate_noinv_fmt}]').
TP_STREAM = (
    "[0119 15:37:31 @base.py:273] Start Epoch 16 ...\n"
    "  0%|          |0/500[00:00<?,?it/s]"
    "\r 45%|####5     |225/500[00:49<01:00, 4.55it/s]"
    "\r100%|##########|500/500[01:49<00:00, 4.55it/s]\n"
    "[0119 15:39:21 @base.py:283] Epoch 16 (global_step 8000) finished, time:1 minute 49 seconds.\n"
    "[0119 15:39:22 @saver.py:82] Model saved to /training/logs/gillsoft/model-8000.\n"
    "[0119 15:39:22 @monitor.py:474] Throughput (samples/sec): 4.5542\n"
)


def test_tensorpack_bar_counts_completed_steps_in_epoch() -> None:
    # A resumed run: MaintainStepCounter prints the restored global step first.
    lines = ["[0119 15:37:30 @steps.py:52] Start training with global_step=7500", *split_stream(TP_STREAM)]
    got = feed_all(make_parser("tensorpack"), lines)
    assert [p.iteration for p in got] == [7725, 8000]


def test_tensorpack_fresh_run_epoch_rollover_and_eval_bars() -> None:
    def epoch(e: int) -> list[str]:
        return [
            f"[0119 15:37:31 @base.py:273] Start Epoch {e} ...",
            "  0%|          |0/500[00:00<?,?it/s]",
            " 50%|#####     |250/500[00:55<00:55, 4.50it/s]",
            "100%|##########|500/500[01:50<00:00, 4.50it/s]",
            f"[0119 15:39:21 @base.py:283] Epoch {e} (global_step {e * 500}) finished, time:1 minute 50 seconds.",
            # An evaluation callback's bar in trigger_epoch, outside the epoch.
            "100%|##########|500/500[00:30<00:00,16.01it/s]",
        ]

    got = feed_all(make_parser("tensorpack", steps_per_epoch=500), [*epoch(1), *epoch(2)])
    assert [p.iteration for p in got] == [250, 500, 750, 1000]


def test_tensorpack_stock_tqdm_bar_and_seconds_per_it() -> None:
    lines = [
        "Start Epoch 1 ...",
        "  0%|          | 0/500 [00:00<?, ?it/s]",
        " 10%|█         | 50/500 [01:40<15:00,  2.00s/it]",
    ]
    got = feed_all(make_parser("tensorpack"), lines)
    assert got == [Reported(50)]


def test_tensorpack_inconsistencies_raise() -> None:
    parser = make_parser("tensorpack", steps_per_epoch=500)
    parser.feed("Start Epoch 1 ...")
    with pytest.raises(LogFormatError, match="steps_per_epoch is 500"):
        parser.feed(" 10%|#         |10/100[00:01<00:09, 9.00it/s]")
    parser = make_parser("tensorpack")
    feed_all(parser, ["Start Epoch 1 ...", "100%|##########|500/500[01:49<00:00, 4.55it/s]"])
    with pytest.raises(LogFormatError, match="global_step 1000 but the bars imply 500"):
        parser.feed("Epoch 1 (global_step 1000) finished, time:1 minute 49 seconds.")
    parser = make_parser("tensorpack")
    feed_all(parser, ["Start Epoch 1 ...", "  0%|          |0/500[00:00<?,?it/s]",
                      " 50%|#####     |250/500[00:55<00:55, 4.50it/s]"])
    with pytest.raises(LogFormatError, match="backwards"):
        parser.feed(" 10%|#         |50/500[00:11<01:39, 4.50it/s]")
    parser = make_parser("tensorpack")
    parser.feed("Start Epoch 2 ...")
    with pytest.raises(LogFormatError, match="started after"):
        parser.feed("Start Epoch 1 ...")


def test_tensorpack_late_bar_of_the_previous_epoch_is_ignored() -> None:
    """Under mpirun stderr (bars) and stdout (epoch lines) are forwarded separately: epoch 1's last
    bar can arrive after 'Start Epoch 2'.  Read as epoch 2's, it would claim 100 steps 15 s early."""
    lines = [
        "Start Epoch 1 ...",
        "  0%|          |0/50[00:00<?,?it/s]",
        " 98%|######### |49/50[00:24<00:00, 2.00it/s]",
        "Epoch 1 (global_step 50) finished, time:25 seconds.",
        "Start Epoch 2 ...",
        "100%|##########|50/50[00:25<00:00, 2.00it/s]",
        "  0%|          |0/50[00:00<?,?it/s]",
        "  2%|2         |1/50[00:00<00:24, 2.00it/s]",
    ]
    got = feed_all(make_parser("tensorpack", steps_per_epoch=50), lines)
    assert [p.iteration for p in got] == [49, 50, 51]


def test_tensorpack_without_bars_uses_finished_lines() -> None:
    # tensorpack/tensorpack issue #1440: only the epoch lines (ProgressBar disabled or filtered).
    lines = [
        "[0514 09:40:30 @base.py:273] Start Epoch 30 ...",
        "[0514 09:42:38 @base.py:283] Epoch 30 (global_step 1500) finished, time:2 minutes 8 seconds.",
    ]
    assert feed_all(make_parser("tensorpack"), lines) == [Reported(1500)]


def test_tensorpack_bars_outside_epochs_and_partial_bars_are_none() -> None:
    parser = make_parser("tensorpack")
    assert parser.feed("100%|##########|5000/5000[05:12<00:00,16.01it/s]") is None
    parser.feed("Start Epoch 1 ...")
    assert parser.feed(" 45%|####5     |225/5") is None


# --------------------------------------------------------------------------
# Keras (matterport Mask_RCNN)
# --------------------------------------------------------------------------

# matterport/Mask_RCNN issue #2023 (Keras 2.0.x Progbar, 'ETA: %ds') and issue #1112 (end of epoch, Keras 2.1+).
KERAS_MID = (
    " 80/100 [=======================>......] - ETA: 249s - loss: 0.2637 - rpn_class_loss: 0.0028 - "
    "rpn_bbox_loss: 0.0493 - mrcnn_class_loss: 0.0732 - mrcnn_bbox_loss: 0.0660 - mrcnn_mask_loss: 0.0724"
)
KERAS_END = (
    "25/25 [==============================] - 1797s 72s/step - loss: 1.0709 - rpn_class_loss: 0.0133 - "
    "rpn_bbox_loss: 0.3766 - mrcnn_class_loss: 0.2582 - mrcnn_bbox_loss: 0.1942 - mrcnn_mask_loss: 0.2286 - "
    "val_loss: 1.0804 - val_rpn_class_loss: 0.0092"
)


def test_keras_bar_is_one_based_per_epoch() -> None:
    got = feed_all(make_parser("keras"), ["Epoch 1/30", KERAS_MID])
    assert got == [Reported(80)]
    got = feed_all(make_parser("keras"), ["Epoch 3/30", KERAS_MID])
    assert got == [Reported(2 * 100 + 80)]


def test_keras_end_of_epoch_time_per_step() -> None:
    assert feed_all(make_parser("keras"), ["Epoch 30/30", KERAS_END]) == [Reported(29 * 25 + 25)]
    ms = "100/100 [==============================] - 47s 467ms/step - loss: 0.9"
    assert feed_all(make_parser("keras"), ["Epoch 1/40", ms]) == [Reported(100)]


def test_keras_dynamic_display_with_backspaces() -> None:
    # A terminal: Progbar writes '\b' * width + '\r' before each redraw, and '\n' at the end.
    stream = (
        "Epoch 1/2\n"
        "  1/100 [..............................] - ETA: 5:00 - loss: 2.3000"
        + "\b" * 60
        + "\r  2/100 [..............................] - ETA: 4:58 - loss: 2.2000"
        + "\b" * 60
        + "\r100/100 [==============================] - 300s 3s/step - loss: 1.0000\n"
        "Epoch 2/2\n"
        "  1/100 [..............................] - ETA: 5:00 - loss: 1.0000"
    )
    got = feed_all(make_parser("keras"), split_stream(stream))
    assert [p.iteration for p in got] == [1, 2, 100, 101]


@pytest.mark.parametrize(
    "line",
    [
        "Epoch 00001: saving model to /logs/mask_rcnn_shapes_0001.h5",
        "Epoch 00002: val_loss improved from 1.2 to 1.1",
        "Starting at epoch 0. LR=0.001",
        "Checkpoint Path: /logs/shapes20180101T0000/mask_rcnn_shapes_{epoch:04d}.h5",
        " 80/10",
        "13/50 ━━━━━━━━━━━━━━━━━━━━ 1:20 2s/step - loss: 2.3000",
    ],
)
def test_keras_other_lines_are_none(line: str) -> None:
    parser = make_parser("keras")
    parser.feed("Epoch 1/30")
    assert parser.feed(line) is None


def test_keras_bars_outside_fit_and_inconsistencies() -> None:
    # model.evaluate/predict print bars without an 'Epoch' header.
    assert make_parser("keras").feed(KERAS_MID) is None
    parser = make_parser("keras")
    feed_all(parser, ["Epoch 1/30", KERAS_MID])
    with pytest.raises(LogFormatError, match="steps_per_epoch is 100"):
        parser.feed(" 5/20 [=====>........................] - ETA: 10s")
    with pytest.raises(LogFormatError, match="backwards"):
        parser.feed(" 60/100 [=================>............] - ETA: 300s - loss: 0.3")
    parser = make_parser("keras", steps_per_epoch=50)
    parser.feed("Epoch 1/30")
    with pytest.raises(LogFormatError, match="steps_per_epoch is 50"):
        parser.feed(KERAS_MID)


def test_keras_unknown_target() -> None:
    parser = make_parser("keras")
    feed_all(parser, ["Epoch 1/2", "     10/Unknown - 20s - loss: 0.5"])
    parser.feed("Epoch 2/2")
    with pytest.raises(LogFormatError, match="Unknown"):
        parser.feed("     10/Unknown - 20s - loss: 0.5")
    parser = make_parser("keras", steps_per_epoch=100)
    got = feed_all(parser, ["Epoch 2/2", "     10/Unknown - 20s - loss: 0.5"])
    assert got == [Reported(110)]


# --------------------------------------------------------------------------
# generic
# --------------------------------------------------------------------------


def test_generic_one_based_with_seconds() -> None:
    parser = make_parser("generic", pattern=r"step (?P<iteration>\d+)/\d+ .*?(?P<seconds>[\d.]+) s/it")
    assert parser.feed("step 10/1000 loss 1.2 0.51 s/it") == Reported(10)
    assert parser.feed(f"{GREEN}step 20/1000{RESET} loss 1.1 0.50 s/it") == Reported(20)
    assert parser.feed("validation 30/1000") is None


def test_generic_zero_based_and_compiled_pattern() -> None:
    parser = make_parser("generic", pattern=re.compile(r"it=(?P<iteration>\d+)"), zero_based=True)
    assert parser.feed("it=0 loss=3") == Reported(1)
    assert parser.feed("it=19 loss=2") == Reported(20)
    with pytest.raises(LogFormatError, match="backwards"):
        parser.feed("it=5 loss=1")


def test_generic_optional_and_non_integer_groups() -> None:
    parser = make_parser("generic", pattern=r"(?:iter (?P<iteration>\d+)|epoch done)(?: (?P<seconds>\S+)s)?")
    assert parser.feed("epoch done") is None
    assert parser.feed("iter 5") == Reported(5)
    with pytest.raises(LogFormatError, match="seconds"):
        parser.feed("iter 6 fast" + "s")
    parser = make_parser("generic", pattern=r"iter (?P<iteration>\S+)")
    with pytest.raises(LogFormatError, match="not an integer"):
        parser.feed("iter abc")


# --------------------------------------------------------------------------
# Property test: a generated log of N iterations printed every K iterations,
# following each implementation's own print schedule, must yield strictly
# increasing iterations ending at N, whatever noise is interleaved.
# --------------------------------------------------------------------------


def _d2(n: int, k: int) -> Iterator[str]:
    for it in range(n):  # detectron2 PeriodicWriter
        if (it + 1) % k == 0 or it == n - 1:
            yield (
                f"[01/01 00:00:00 d2.utils.events]:  eta: 0:00:10  iter: {it}  total_loss: 1.0  "
                f"time: 0.3000  data_time: 0.0100  lr: 0.02  max_mem: 100M"
            )


def _mrcnn(n: int, k: int) -> Iterator[str]:
    for it in range(1, n + 1):  # do_train after 'iteration = iteration + 1'
        if it % k == 0 or it == n:
            yield (
                f"2019-01-01 00:00:00,000 maskrcnn_benchmark.trainer INFO: eta: 0:00:10  iter: {it}  "
                f"loss: 1.0000 (1.1000)  time: 0.3000 (0.3100)  data: 0.0100 (0.0100)  lr: 0.020000  max mem: 100"
            )


def _epochs(n: int, length: int) -> Iterator[tuple[int, int]]:
    """(0-based epoch, 0-based index) for n iterations with `length` per epoch."""
    for g in range(n):
        yield divmod(g, length)


def _mmcv(n: int, k: int, length: int) -> Iterator[str]:
    for epoch, idx in _epochs(n, length):  # TextLoggerHook, ignore_last=False
        inner = idx + 1
        if inner % k == 0 or inner == length or epoch * length + inner == n:
            yield f"- mmdet - INFO - Epoch [{epoch + 1}][{inner}/{length}]\tlr: 2.000e-02, eta: 1:00:00, time: 0.300"
        if inner == length:
            yield f"- mmdet - INFO - Epoch(val) [{epoch + 1}][625]\tbbox_mAP: 0.3740"


def _mmengine(n: int, k: int, length: int) -> Iterator[str]:
    width = len(str(length))
    for epoch, idx in _epochs(n, length):  # LogProcessor, right-aligned numbers
        inner = idx + 1
        if inner % k == 0 or inner == length or epoch * length + inner == n:
            yield (
                f"- mmengine - INFO - Epoch(train) {f'[{epoch + 1}]':>5}[{inner:>{width}}/{length}]  "
                "lr: 2.0000e-02  eta: 1:00:00  time: 0.3000  data_time: 0.0100"
            )
        if inner == length:
            yield f"- mmengine - INFO - Epoch(val) [{epoch + 1}][ 50/625]    eta: 0:00:30  time: 0.0500"


def _mmcv_iter(n: int, k: int) -> Iterator[str]:
    for it in range(1, n + 1):
        if it % k == 0 or it == n:
            yield f"- mmdet - INFO - Iter [{it}/{n}]\tlr: 2.000e-02, eta: 1:00:00, time: 0.300"


def _torchvision(n: int, k: int, length: int) -> Iterator[str]:
    for epoch, idx in _epochs(n, length):  # log_every
        if idx % k == 0 or idx == length - 1 or epoch * length + idx + 1 == n:
            yield tv_line(epoch, idx, n=length)
        if idx == length - 1:
            yield tv_line(epoch, 10, n=5000, header="Test:")


def _detectron(n: int, k: int) -> Iterator[str]:
    for it in range(n):  # LogIterStats
        if it % k == 0 or it == n - 1:
            yield f'json_stats: {{"eta": "0:00:10", "iter": {it}, "loss": 1.000000, "time": 0.300000}}'


def _simpledet(n: int, k: int, length: int) -> Iterator[str]:
    # Literal transcription of SimpleDet's Speedometer.__call__ state machine.
    init, last_count = False, 0
    for epoch, count in _epochs(n, length):
        if last_count > count:
            init = False
        last_count = count
        if init:
            if count % k == 0:
                yield f"Epoch[{epoch}] Batch [{count}]\tSpeed: 10.00 samples/sec\tTrain-RpnAcc=0.9,\t"
        else:
            init = True


def _tensorpack(n: int, k: int, length: int) -> Iterator[str]:
    epoch = -1
    for e, idx in _epochs(n, length):
        if e != epoch:
            epoch = e
            yield f"[0101 00:00:00 @base.py:273] Start Epoch {e + 1} ..."
            yield f"  0%|          |0/{length}[00:00<?,?it/s]"
        done = idx + 1
        if done % k == 0 or done == length:
            yield f"{100 * done // length:3d}%|#####     |{done}/{length}[00:10<00:10, 5.00it/s]"
        if done == length:
            step = (e + 1) * length
            yield f"[0101 00:00:00 @base.py:283] Epoch {e + 1} (global_step {step}) finished, time:10 seconds."
            yield "100%|##########|50/50[00:05<00:00,10.00it/s]"  # evaluation bar


def _keras(n: int, k: int, length: int) -> Iterator[str]:
    epoch = -1
    for e, idx in _epochs(n, length):
        if e != epoch:
            epoch = e
            yield f"Epoch {e + 1}/{n // length}"
        done = idx + 1
        width = len(str(length))
        if done == length:
            yield f"{done:{width}d}/{length} [==============================] - 30s 300ms/step - loss: 1.0"
        elif done % k == 0:
            yield f"{done:{width}d}/{length} [=====>........................] - ETA: 20s - loss: 1.0"


def _generic(n: int, k: int) -> Iterator[str]:
    for it in range(1, n + 1):
        if it % k == 0 or it == n:
            yield f"step {it}/{n} loss 1.0"


Generator = Callable[[int, int], Iterator[str]]
# (format, options, generator, (n, k) cases whose last printed iteration is n by the format's own schedule)
SCHEDULES: list[tuple[str, dict[str, object], Generator, list[tuple[int, int]]]] = [
    ("detectron2", {}, _d2, [(1, 20), (20, 20), (1000, 20), (1013, 7)]),
    ("maskrcnn-benchmark", {}, _mrcnn, [(1, 20), (20, 20), (999, 20), (1013, 7)]),
    ("mmdetection", {}, lambda n, k: _mmcv(n, k, 97), [(97, 10), (970, 10), (1000, 50)]),
    ("mmdetection", {}, lambda n, k: _mmengine(n, k, 120), [(120, 50), (1200, 50), (1234, 7)]),
    ("mmdetection", {}, _mmcv_iter, [(1, 50), (1000, 50), (1013, 7)]),
    ("torchvision", {}, lambda n, k: _torchvision(n, k, 73), [(73, 20), (730, 20), (1000, 7)]),
    ("detectron", {}, _detectron, [(1, 20), (21, 20), (1000, 20), (1013, 7)]),
    # Speedometer prints the epoch's last batch only when (length - 1) % k == 0: length 41, k 20 or 10.
    ("simpledet", {"iters_per_epoch": 41}, lambda n, k: _simpledet(n, k, 41), [(41, 20), (410, 20), (123, 10)]),
    ("tensorpack", {}, lambda n, k: _tensorpack(n, k, 50), [(50, 10), (500, 7), (1000, 50)]),
    ("tensorpack", {"steps_per_epoch": 50}, lambda n, k: _tensorpack(n, k, 50), [(500, 7)]),
    ("keras", {}, lambda n, k: _keras(n, k, 100), [(100, 1), (1000, 10), (300, 7)]),
    ("generic", {"pattern": r"^step (?P<iteration>\d+)/"}, _generic, [(1, 5), (1000, 50)]),
]


@pytest.mark.parametrize(
    ("name", "options", "generate", "n", "k"),
    [
        pytest.param(name, options, gen, n, k, id=f"{name}-{i}-{n}-{k}")
        for i, (name, options, gen, cases) in enumerate(SCHEDULES)
        for n, k in cases
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_logs_are_strictly_increasing_and_end_at_n(
    name: str, options: dict[str, object], generate: Generator, n: int, k: int, seed: int
) -> None:
    rng = random.Random(seed)
    lines: list[str] = []
    for line in generate(n, k):
        while rng.random() < 0.3:
            lines.append(rng.choice(NOISE))
        # Sometimes the terminal colours a line; it must not change the reading.
        lines.append(f"{GREEN}{line}{RESET}" if rng.random() < 0.2 else line)
    got = [p.iteration for p in feed_all(make_parser(name, **options), lines)]
    assert got, "no progress read"
    assert all(a < b for a, b in itertools.pairwise(got)), got
    assert got[-1] == n


# --------------------------------------------------------------------------
# Line cleaning: rank prefixes after a collector's timestamp, byte-order marks
# --------------------------------------------------------------------------

# tensorpack/tensorpack issue #1478: horovod under Open MPI (--tag-output) in Kubernetes, read with
# 'kubectl logs --timestamps': an RFC 3339 stamp, then the rank prefix.
K8S_MPI = [
    "2020-08-19T02:29:27.244664165Z [1,1]<stderr>:WARNING:tensorflow:From /usr/local/lib/python3.6/dist-packages/"
    "horovod/tensorflow/__init__.py:189: The name tf.get_default_graph is deprecated.",
    "2020-08-19T02:29:30.23314712Z [1,0]<stdout>:[0819 02:29:30 @logger.py:92] Argv: /pipelines/component/src/"
    "train.py --logdir /tmp/outputs/output_log_dir_path/data",
    "2020-08-19T02:29:30.425765541Z [1,1]<stdout>:[0819 02:29:30 @train.py:139] Environment Information:",
]


def test_rank_prefix_after_a_collectors_timestamp_is_recognised() -> None:
    assert clean(K8S_MPI[0]) is None and clean(K8S_MPI[2]) is None  # rank 1's
    assert clean(K8S_MPI[1]) == ("[0819 02:29:30 @logger.py:92] Argv: /pipelines/component/src/train.py --logdir "
                                 "/tmp/outputs/output_log_dir_path/data")
    assert clean(K8S_MPI[2], rank=1) == "[0819 02:29:30 @train.py:139] Environment Information:"
    # journald's short format and a bracketed ISO stamp before torch.distributed.elastic's prefix (built from
    # those formats; no real log was found).
    assert clean("Aug 19 02:29:30 node1 python[4242]: [rank1]: Epoch 2/40") is None
    assert clean("Aug 19 02:29:30 node1 python[4242]: [rank0]: Epoch 2/40") == "Epoch 2/40"
    assert clean("[2024-05-01 10:00:00.123] [default0]: Epoch 2/40") == "Epoch 2/40"
    # A timestamp alone is the logger's own and is kept (the logged times are read from it).
    assert clean("2019-05-31 07:57:47,793 maskrcnn_benchmark.trainer INFO: eta") == (
        "2019-05-31 07:57:47,793 maskrcnn_benchmark.trainer INFO: eta")


def test_keras_lines_behind_a_collectors_stamp_and_rank_prefix() -> None:
    # pierluigiferrari/ssd_keras issue #344 (1000 steps per epoch), as kubectl and Open MPI would write it, with
    # rank 1 echoing the header and the final bar: rank 0's epoch 2 is 1000-2000.
    lines = [
        "2020-04-18T10:00:03.000000000Z [1,0]<stdout>:Epoch 2/120",
        "2020-04-18T10:00:03.000000001Z [1,1]<stdout>:Epoch 2/120",
        "2020-04-18T10:31:41.000000000Z [1,0]<stdout>:1000/1000 [==============================] - 1898s 2s/step "
        "- loss: 3.4420 - val_loss: 3.1046",
        "2020-04-18T10:31:41.000000001Z [1,1]<stdout>:1000/1000 [==============================] - 3796s 2s/step "
        "- loss: 3.4420 - val_loss: 3.1046",
    ]
    parser = make_parser("keras")
    assert [p.iteration for p in feed_all(parser, lines)] == [2000]
    assert parser.timing().window(1000, 2000).seconds == 1898


def test_byte_order_mark_is_not_part_of_the_line() -> None:
    assert feed_all(make_parser("keras"), ["\ufeffEpoch 1/4", "10/10 [=====] - 136s 14s/step - loss: 3.8"]) == [
        Reported(10)]


# --------------------------------------------------------------------------
# Look-alikes, cut lines, and saying why nothing was read
# --------------------------------------------------------------------------


def test_torchvision_header_without_its_fields_raises() -> None:
    # open-mmlab/mmdetection PR #10498, turn 12: PaddleDetection's LogPrinter (shortened).
    ppdet = ("[07/04 12:06:28] ppdet.engine INFO: Epoch: [0] [  50/7329] learning_rate: 0.000003 loss: 44.541801 "
             "eta: 4 days, 8:48:06 batch_cost: 0.7022 data_cost: 0.0005 ips: 22.7848 images/s")
    with pytest.raises(LogFormatError, match="PaddleDetection"):
        make_parser("torchvision").feed(ppdet)
    # A torchvision line cut after its 'time:' (a log cut off) lost only 'data:': read, when said to be cut.
    cut = tv_line(0, 20)[:tv_line(0, 20).index("data:")]
    assert make_parser("torchvision").feed(cut, cut=True) == Reported(21)
    with pytest.raises(LogFormatError, match="'time:' and 'data:'"):
        make_parser("torchvision").feed(cut)


@pytest.mark.parametrize("name", ["tensorpack", "keras"])
def test_formats_whose_fields_run_to_the_line_end_do_not_read_cut_lines(name: str) -> None:
    line = {"tensorpack": "Epoch 16 (global_step 8000) finished, time:1 minute ",
            "keras": "10/10 [==============================] - 136s "}[name]
    parser = make_parser(name)
    assert not parser.reads_cut_lines
    assert parser.feed(line, cut=True) is None


def test_tensorpack_start_epoch_without_resume_waits_for_its_finished_line() -> None:
    # TP_STREAM (tensorpack issue #1383) without a 'Start training with global_step' line: epoch 16 is not
    # known to start at step 0; its bars are placed once its 'finished' line says it ends at step 8000.
    parser = make_parser("tensorpack")
    assert [p.iteration for p in feed_all(parser, split_stream(TP_STREAM))] == [8000]
    bars = sorted((s.start, s.end, s.seconds) for s in parser.timing(1).spans if s.what == "bar")
    assert bars == [(7500, 7725, 49.5), (7500, 8000, 109.5)]  # [00:49< and [01:49<, truncated


def test_unrecognised_says_which_format_and_shows_a_look_alike() -> None:
    # facebookresearch/dino issue #69: 'Epoch: [0/100]' is DINO's header, not torchvision's.
    parser = make_parser("torchvision")
    line = ("Epoch: [0/100]  [4400/5004]  eta: 0:10:15  loss: 5.507585 (7.369033)  lr: 0.000044 (0.000022)  "
            "wd: 0.040068 (0.040023)  time: 1.022257  data: 0.000111  max mem: 19499")
    assert feed_all(parser, ["Loading annotations into memory...", line]) == []
    hint = parser.unrecognised()
    assert "'torchvision' format recognised no progress line" in hint and "Epoch: [0/100]" in hint
