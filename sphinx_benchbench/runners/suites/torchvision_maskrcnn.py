"""Train torchvision's Mask R-CNN R50-FPN and log like torchvision's detection references.

torchvision's reference training scripts (``references/detection/train.py``)
are not packaged, so this is a small equivalent that keeps what matters for
speed: the same model builder (``maskrcnn_resnet50_fpn``, randomly initialised:
nothing is downloaded), the reference recipe's SGD (lr 0.02 for 16 images,
scaled linearly; momentum 0.9; weight decay 1e-4), 2 images per GPU in fp32,
the model's own resizing to 800-1333 pixels, a ``loss.item()`` every iteration
as the reference does, and the reference ``MetricLogger`` line, so the runner's
``torchvision`` log format reads it.

Without a dataset it trains on synthetic COCO-sized samples (640x480-like
images, 1-15 objects with boxes and masks), generated once on the device, so
the data pipeline never limits the measurement.  The R-CNN's speed still
depends on its own predictions (proposals), which is why repeated runs
spread by several percent.

At the end it prints its own CUDA-synchronised timing of the window, which the
runner records as a cross-check of the time it measures from line arrivals.
Several GPUs: ``torchrun --nproc_per_node=N -m sphinx_benchbench.runners.suites.torchvision_maskrcnn``.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import os
import sys
import time

import torch
import torchvision
from torchvision.models.detection import maskrcnn_resnet50_fpn

__all__ = ["main"]


def synthetic_pool(count: int, device: torch.device, generator: torch.Generator) -> list[tuple[torch.Tensor, dict]]:
    """COCO-like samples: image sizes, object counts, boxes and masks of COCO's kind."""
    pool = []
    for _ in range(count):
        h = int(torch.randint(360, 641, (1,), generator=generator))
        w = int(torch.randint(480, 641, (1,), generator=generator))
        n = int(torch.randint(1, 16, (1,), generator=generator))
        x0 = torch.rand(n, generator=generator) * (w - 32)
        y0 = torch.rand(n, generator=generator) * (h - 32)
        bw = 16 + torch.rand(n, generator=generator) * (w - x0 - 16)
        bh = 16 + torch.rand(n, generator=generator) * (h - y0 - 16)
        boxes = torch.stack([x0, y0, x0 + bw, y0 + bh], dim=1)
        masks = torch.zeros((n, h, w), dtype=torch.uint8)
        for k, (a, b, c, d) in enumerate(boxes.round().int().tolist()):
            masks[k, b:d, a:c] = 1
        target = {
            "boxes": boxes.to(device),
            "labels": torch.randint(1, 91, (n,), generator=generator).to(device),
            "masks": masks.to(device),
        }
        pool.append((torch.rand((3, h, w), generator=generator).to(device), target))
    return pool


class Smoothed:
    """The reference's SmoothedValue: a window of 20 plus a global average."""

    def __init__(self, window: int = 20) -> None:
        self.values: collections.deque[float] = collections.deque(maxlen=window)
        self.total, self.count = 0.0, 0

    def update(self, value: float) -> None:
        self.values.append(value)
        self.total += value
        self.count += 1

    @property
    def avg(self) -> float:
        return sum(self.values) / len(self.values)

    @property
    def median(self) -> float:
        return sorted(self.values)[len(self.values) // 2]

    @property
    def global_avg(self) -> float:
        return self.total / self.count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=520, help="training iterations (default 520)")
    parser.add_argument("--batch-size", type=int, default=2, help="images per GPU (default 2)")
    parser.add_argument("--print-freq", type=int, default=20)
    parser.add_argument("--window", default="100:500", help="iterations timed with CUDA synchronisation")
    parser.add_argument("--pool", type=int, default=64, help="synthetic samples generated up front")
    parser.add_argument("--device", default="cuda", help="cuda or cpu (cpu: for smoke tests only)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    start, end = (int(x) for x in args.window.split(":"))

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    if args.device == "cuda":
        if not torch.cuda.is_available():
            print("error: CUDA is not available", file=sys.stderr)
            return 2
        torch.cuda.set_device(local)
        device = torch.device("cuda", local)
    else:
        device = torch.device(args.device)
    if world > 1:
        torch.distributed.init_process_group("nccl" if device.type == "cuda" else "gloo")
    torch.manual_seed(args.seed + rank)
    generator = torch.Generator().manual_seed(args.seed + rank)
    pool = synthetic_pool(args.pool, device, generator)

    model = maskrcnn_resnet50_fpn(weights=None, weights_backbone=None, num_classes=91).to(device)
    if world > 1:
        model = torch.nn.parallel.DistributedDataParallel(model, device_ids=[local] if device.type == "cuda" else None)
    lr = 0.02 * args.batch_size * world / 16
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.SGD(params, lr=lr, momentum=0.9, weight_decay=1e-4)
    warmup = torch.optim.lr_scheduler.LinearLR(optimizer, start_factor=0.001, total_iters=min(1000, args.iterations))

    def sync() -> None:
        if device.type == "cuda":
            torch.cuda.synchronize(device)

    if rank == 0:
        name = torch.cuda.get_device_name(device) if device.type == "cuda" else str(device)
        print(f"torchvision {torchvision.__version__}, torch {torch.__version__}, {world} process(es), "
              f"{args.batch_size} images each, device {name}", flush=True)
    model.train()
    iter_time, data_time, loss_meter = Smoothed(), Smoothed(), Smoothed()
    marks: dict[int, float] = {}
    width = len(str(args.iterations))
    end_time = time.time()
    for i in range(args.iterations):  # i is 0-based, as in the reference's log_every
        picks = [(i * args.batch_size * world + rank * args.batch_size + k) % len(pool)
                 for k in range(args.batch_size)]
        images = [pool[p][0] for p in picks]
        targets = [pool[p][1] for p in picks]
        data_time.update(time.time() - end_time)
        loss_dict = model(images, targets)
        losses = sum(loss_dict.values())
        reduced = losses.detach()
        if world > 1:
            torch.distributed.all_reduce(reduced)
            reduced /= world
        loss_value = reduced.item()  # synchronises, as the reference does
        if not torch.isfinite(torch.tensor(loss_value)):
            print(f"error: loss is {loss_value}, stopping training", file=sys.stderr)
            return 1
        optimizer.zero_grad()
        losses.backward()
        optimizer.step()
        warmup.step()
        done = i + 1
        if done in (start, end):
            sync()
            marks[done] = time.perf_counter()
        loss_meter.update(loss_value)
        iter_time.update(time.time() - end_time)
        if rank == 0 and (i % args.print_freq == 0 or i == args.iterations - 1):
            eta = datetime.timedelta(seconds=int(iter_time.global_avg * (args.iterations - done)))
            mem = torch.cuda.max_memory_allocated(device) / 2**20 if device.type == "cuda" else 0
            print(f"Epoch: [0]  [{i:{width}d}/{args.iterations}]  eta: {eta}  "
                  f"lr: {optimizer.param_groups[0]['lr']:.6f}  "
                  f"loss: {loss_meter.median:.4f} ({loss_meter.global_avg:.4f})  "
                  f"time: {iter_time.avg:.4f}  data: {data_time.avg:.4f}  max mem: {mem:.0f}", flush=True)
        end_time = time.time()
    if rank == 0 and start in marks and end in marks:
        seconds = marks[end] - marks[start]
        images = (end - start) * args.batch_size * world
        print(f"Window {start}-{end}: {end - start} iterations in {seconds:.6f} s, "
              f"{images / seconds:.4f} img/s (CUDA-synchronized)", flush=True)
    if world > 1:
        torch.distributed.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
