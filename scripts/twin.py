"""PyTorch twin of jqp's Fashion-MNIST classifiers (small-cnn, cnn3), for scripts/pytorch-twin.

The same network, initialisation and training as `jqp train --model M --epochs E --seed S`:
  * data: the IDX files of Debian's dataset-fashion-mnist, standardised with mean 0.2860 and
    std 0.3530; an epoch is a seeded permutation in full batches of 128 (the last partial batch
    dropped, 468 steps); evaluation on the 10,000 test images in evaluation mode;
  * conv blocks: 3x3 convolution without bias ("SAME"), batch norm (epsilon 1e-3, moving averages with
    momentum 0.9, i.e. PyTorch's momentum=0.1), ReLU, 2x2 max-pool with TensorFlow's "SAME" padding
    (ceil_mode); fc 128 without bias, batch norm, ReLU; fc 10 with bias;
  * He-normal weights (std sqrt(2 / fan_in), not truncated), zero biases, batch norm gamma 1 beta 0;
  * Adam (beta 0.9 / 0.999, epsilon 1e-7), learning rate 1e-3 on a cosine from step 0 to the last;
  * 2 intra-op threads, like jqp's default.
Only the weight values differ (each framework draws its own from the seed) and the batch order (a
NumPy permutation instead of java.util.Random's); so accuracies agree to within seed noise.
Writes one JSON per run: accuracy, training seconds, whole-run seconds, images per second.
"""
import argparse
import gzip
import json
import math
import os
import sys
import time

import numpy as np
import torch
from torch import nn

MEAN, STD = 0.2860, 0.3530


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(folder):
    def images(name):
        x = idx(os.path.join(folder, name)).astype(np.float32)
        return torch.from_numpy(((x / 255.0 - MEAN) / STD)[:, None, :, :].copy())

    def labels(name):
        return torch.from_numpy(idx(os.path.join(folder, name)).astype(np.int64))

    return (images("train-images-idx3-ubyte.gz"), labels("train-labels-idx1-ubyte.gz"),
            images("t10k-images-idx3-ubyte.gz"), labels("t10k-labels-idx1-ubyte.gz"))


def he_init(model):
    """He-normal weights (std sqrt(2 / fan_in), not truncated) and zero biases, as jqp initialises."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return model


def net(filters, classes=10):
    layers, channels, side = [], 1, 28
    for f in filters:
        layers += [nn.Conv2d(channels, f, 3, padding=1, bias=False),
                   nn.BatchNorm2d(f, eps=1e-3, momentum=0.1), nn.ReLU(),
                   nn.MaxPool2d(2, ceil_mode=True)]
        channels, side = f, (side + 1) // 2
    layers += [nn.Flatten(), nn.Linear(channels * side * side, 128, bias=False),
               nn.BatchNorm1d(128, eps=1e-3, momentum=0.1), nn.ReLU(), nn.Linear(128, classes)]
    model = nn.Sequential(*layers)
    return he_init(model)


MODELS = {"small-cnn": [32, 64], "cnn3": [16, 32, 64]}


def mobilenet_v2(classes=10):
    """jqp's MobileNetV2-style net: stem 16, inverted residual blocks (expansion, channels, repeats,
    stride) (1,16,1,1) (4,24,2,2) (4,32,2,2) (4,64,2,2), head 128, global average pool, dense; BN
    after every convolution, ReLU6, linear projections, residual adds where shapes allow."""
    def conv_bn(cin, cout, k, stride, groups=1, relu=True):
        layers = [nn.Conv2d(cin, cout, k, stride, padding=k // 2, groups=groups, bias=False),
                  nn.BatchNorm2d(cout, eps=1e-3, momentum=0.1)]
        return layers + ([nn.ReLU6()] if relu else [])

    class Block(nn.Module):
        def __init__(self, cin, expansion, cout, stride):
            super().__init__()
            hidden = cin * expansion
            layers = conv_bn(cin, hidden, 1, 1) if expansion != 1 else []
            layers += conv_bn(hidden, hidden, 3, stride, groups=hidden)
            layers += conv_bn(hidden, cout, 1, 1, relu=False)
            self.body = nn.Sequential(*layers)
            self.residual = stride == 1 and cin == cout

        def forward(self, x):
            y = self.body(x)
            return x + y if self.residual else y

    layers, c = conv_bn(1, 16, 3, 1), 16
    for expansion, cout, repeats, stride in [(1, 16, 1, 1), (4, 24, 2, 2), (4, 32, 2, 2), (4, 64, 2, 2)]:
        for r in range(repeats):
            layers.append(Block(c, expansion, cout, stride if r == 0 else 1))
            c = cout
    layers += conv_bn(c, 128, 1, 1) + [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(128, classes)]
    model = nn.Sequential(*layers)
    return he_init(model)


def bench_steps(args):
    """Training steps on a fixed random batch (the input pipeline left out), FP32, like `jqp bench`."""
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    side = 32 if args.model == "mobilenet-v2" else 28
    model = mobilenet_v2() if args.model == "mobilenet-v2" else net(MODELS[args.model])
    x = torch.randn(args.batch_size, 1, side, side)
    y = torch.randint(0, 10, (args.batch_size,))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    model.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(args.warmup):
        step()
    t = time.perf_counter()
    for _ in range(args.bench_steps):
        step()
    ms = (time.perf_counter() - t) * 1000 / args.bench_steps
    result = {"framework": "pytorch " + torch.__version__, "model": args.model, "batchSize": args.batch_size,
              "threads": args.threads, "steps": args.bench_steps, "millisPerStep": ms,
              "imagesPerSecond": args.batch_size * 1000 / ms}
    print(json.dumps(result, indent=2))


def run(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    t0 = time.perf_counter()
    xtr, ytr, xte, yte = load(args.data)
    model = net(MODELS[args.model])
    steps = xtr.shape[0] // args.batch_size
    total = steps * args.epochs
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-7)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda t: 0.5 * (1 + math.cos(math.pi * min(t, total) / total)))
    loss_fn = nn.CrossEntropyLoss()
    train_seconds, epochs = 0.0, []
    for e in range(args.epochs):
        order = torch.from_numpy(np.random.RandomState(args.seed * 1_000_003 + e).permutation(xtr.shape[0]))
        model.train()
        start, loss_sum = time.perf_counter(), 0.0
        for b in range(steps):
            i = order[b * args.batch_size:(b + 1) * args.batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xtr[i]), ytr[i])
            loss.backward()
            opt.step()
            sched.step()
            loss_sum += loss.item()
        seconds = time.perf_counter() - start
        train_seconds += seconds
        model.eval()
        correct = 0
        with torch.no_grad():
            for k in range(0, xte.shape[0], 1000):
                correct += (model(xte[k:k + 1000]).argmax(1) == yte[k:k + 1000]).sum().item()
        acc = 100.0 * correct / xte.shape[0]
        epochs.append({"epoch": e + 1, "seconds": seconds, "trainLoss": loss_sum / steps, "accuracy": acc})
        print(f"torch {args.model} seed {args.seed} epoch {e + 1}/{args.epochs}: {seconds:.1f} s, "
              f"train loss {loss_sum / steps:.5f}, accuracy % {acc:.2f}", file=sys.stderr)
    result = {"framework": "pytorch " + torch.__version__, "model": args.model, "seed": args.seed,
              "epochs": args.epochs, "threads": args.threads, "accuracy": epochs[-1]["accuracy"],
              "trainSeconds": train_seconds, "seconds": time.perf_counter() - t0,
              "imagesPerSecond": total * args.batch_size / train_seconds, "perEpoch": epochs}
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=2)
    os.replace(tmp, args.out)


def summarize(folder):
    rows = {}
    for name in sorted(os.listdir(folder)):
        if name.startswith("torch-") and name.endswith(".json"):
            r = json.load(open(os.path.join(folder, name)))
            rows.setdefault(r["model"], {"torch": [], "jqp": []})["torch"].append(r)
        elif name.startswith("jqp-") and os.path.isfile(os.path.join(folder, name, "metrics.json")):
            m = json.load(open(os.path.join(folder, name, "metrics.json")))
            model = name[len("jqp-"):name.rindex("-s")]
            seed = int(name[name.rindex("-s") + 2:])
            rows.setdefault(model, {"torch": [], "jqp": []})["jqp"].append(
                {"accuracy": m["metric"], "imagesPerSecond": m["images_per_second"],
                 "trainSeconds": m["train_seconds"], "seconds": m["seconds"], "seed": seed})
    out, lines = [], ["| model | framework | seeds | accuracy % (mean ± std) | img/s training (mean) "
                      "| training s (mean) | whole run s (mean) |", "|---|---|---|---|---|---|---|"]

    def stats(v):
        return float(np.mean(v)), float(np.std(v, ddof=1)) if len(v) > 1 else 0.0

    for model, by in rows.items():
        summary = {"model": model}
        for fw in ("jqp", "torch"):
            rs = by[fw]
            if not rs:
                continue
            acc, sd = stats([r["accuracy"] for r in rs])
            ips = float(np.mean([r["imagesPerSecond"] for r in rs]))
            tr = float(np.mean([r["trainSeconds"] for r in rs]))
            wall = float(np.mean([r["seconds"] for r in rs]))
            summary[fw] = {"seeds": sorted(r["seed"] for r in rs), "accuracy": acc, "accuracyStd": sd,
                           "imagesPerSecond": ips, "trainSeconds": tr, "seconds": wall}
            lines.append(f"| {model} | {'jqp' if fw == 'jqp' else 'PyTorch 1.13 (Debian)'} | "
                         f"{', '.join(str(s) for s in sorted(r['seed'] for r in rs))} | {acc:.2f} ± {sd:.2f} | "
                         f"{ips:.0f} | {tr:.1f} | {wall:.1f} |")
        if "jqp" in summary and "torch" in summary:
            summary["speedup"] = summary["jqp"]["imagesPerSecond"] / summary["torch"]["imagesPerSecond"]
            summary["accuracyGap"] = summary["jqp"]["accuracy"] - summary["torch"]["accuracy"]
            lines.append(f"| {model} | jqp / PyTorch | | {summary['accuracyGap']:+.2f} points | "
                         f"{summary['speedup']:.2f}x | | |")
        out.append(summary)
    md = "\n".join(lines) + "\n"
    for name, text in (("twin.md", md), ("twin.json", json.dumps(out, indent=2))):
        tmp = os.path.join(folder, name + ".tmp")
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, os.path.join(folder, name))
    print(md)


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", choices=sorted(MODELS) + ["mobilenet-v2"], default="small-cnn")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=128)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--out")
    p.add_argument("--summarize", metavar="FOLDER")
    p.add_argument("--bench-steps", type=int, default=0,
                   help="time this many training steps on a random batch instead of a run")
    p.add_argument("--warmup", type=int, default=10)
    a = p.parse_args()
    if a.bench_steps > 0:
        bench_steps(a)
    elif a.summarize:
        summarize(a.summarize)
    else:
        if not a.out:
            p.error("--out is required")
        run(a)
