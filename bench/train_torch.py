#!/usr/bin/python3
"""The default diffeolens residual network, built identically in PyTorch, trained one or more
epochs on Fashion-MNIST with the same data, batch size, optimizer, schedule and thread count as
`diffeolens train`; prints one JSON object (epoch times and accuracies). Called by train_bench.sh.

Network (NetworkSpec.fashionMnistDefault): x0 = relu(conv3x3/2(u) + b), 1 -> 32 channels, 14x14;
x_{k+1} = x_k + h relu(gain * chan_norm(conv3x3(x_k)) + shift), k < 3, h = 1/3, the channel
norm per pixel over the 32 channels (eps 1e-5), conv without bias; logits = dense(flatten(x_3)).
Initialization as ResidualNetwork.initialize: N(0, gain/fan_in) weights (gain 2 before a ReLU,
1 for the head), zero biases and shifts, unit gains. Adam lr 2e-3, cosine annealing to 0 over
the run, batch 128, shuffled every epoch, float32.
"""
import argparse, gzip, json, os, sys, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def idx(path, offset):
    with gzip.open(path, 'rb') as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def load(folder):
    tr = idx(os.path.join(folder, 'train-images-idx3-ubyte.gz'), 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    te = idx(os.path.join(folder, 't10k-images-idx3-ubyte.gz'), 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255
    ytr = idx(os.path.join(folder, 'train-labels-idx1-ubyte.gz'), 8).astype(np.int64)
    yte = idx(os.path.join(folder, 't10k-labels-idx1-ubyte.gz'), 8).astype(np.int64)
    mean, std = tr.mean(dtype=np.float64), tr.std(dtype=np.float64)
    tr = (tr - mean) / std
    te = (te - mean) / std
    return (torch.from_numpy(tr.astype(np.float32)), torch.from_numpy(ytr),
            torch.from_numpy(te.astype(np.float32)), torch.from_numpy(yte))


class Block(nn.Module):
    """x + h relu(gain * chan_norm(conv3x3(x)) + shift), the norm over channels at each pixel."""

    def __init__(self, c, h):
        super().__init__()
        self.h = h
        self.conv = nn.Conv2d(c, c, 3, padding=1, bias=False)
        self.gain = nn.Parameter(torch.ones(c))
        self.shift = nn.Parameter(torch.zeros(c))

    def forward(self, x):
        z = self.conv(x).permute(0, 2, 3, 1)            # channels last for layer_norm over C
        f = F.relu(F.layer_norm(z, z.shape[-1:], self.gain, self.shift, 1e-5)).permute(0, 3, 1, 2)
        return x + self.h * f


class ResNet(nn.Module):
    def __init__(self, width=32, depth=3):
        super().__init__()
        self.stem = nn.Conv2d(1, width, 3, stride=2, padding=1)
        self.blocks = nn.ModuleList([Block(width, 1.0 / depth) for _ in range(depth)])
        self.head = nn.Linear(width * 14 * 14, 10)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                fan_in = m.weight[0].numel()
                gain = 1.0 if m is self.head else 2.0
                nn.init.normal_(m.weight, 0.0, (gain / fan_in) ** 0.5)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, u):
        x = F.relu(self.stem(u))
        for b in self.blocks:
            x = b(x)
        return self.head(x.flatten(1))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--data', required=True)
    p.add_argument('--epochs', type=int, default=1)
    p.add_argument('--batch-size', type=int, default=128)
    p.add_argument('--threads', type=int, default=2)
    p.add_argument('--lr', type=float, default=2e-3)
    p.add_argument('--seed', type=int, default=42)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr, ytr, xte, yte = load(a.data)
    net = ResNet()
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    steps_per_epoch = (len(xtr) + a.batch_size - 1) // a.batch_size
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs * steps_per_epoch)
    epochs = []
    for epoch in range(1, a.epochs + 1):
        net.train()
        perm = torch.randperm(len(xtr))
        total = 0.0
        t0 = time.perf_counter()
        c0 = time.process_time()
        for i in range(0, len(xtr), a.batch_size):
            idx_ = perm[i:i + a.batch_size]
            loss = F.cross_entropy(net(xtr[idx_]), ytr[idx_])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        seconds = time.perf_counter() - t0
        cpu_seconds = time.process_time() - c0
        net.eval()
        t1 = time.perf_counter()
        correct, test_loss = 0, 0.0
        with torch.no_grad():
            for i in range(0, len(xte), a.batch_size):
                out = net(xte[i:i + a.batch_size])
                test_loss += F.cross_entropy(out, yte[i:i + a.batch_size], reduction='sum').item()
                correct += (out.argmax(1) == yte[i:i + a.batch_size]).sum().item()
        epochs.append({'epoch': epoch, 'trainLoss': total / steps_per_epoch, 'testLoss': test_loss / len(xte),
                       'testAccuracy': correct / len(xte), 'seconds': seconds, 'cpuSeconds': cpu_seconds,
                       'evalSeconds': time.perf_counter() - t1})
    print(json.dumps({'framework': 'pytorch ' + torch.__version__, 'threads': torch.get_num_threads(),
                      'parameters': sum(q.numel() for q in net.parameters()), 'epochs': epochs}))


if __name__ == '__main__':
    sys.exit(main())
