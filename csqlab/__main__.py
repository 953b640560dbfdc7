"""Command line: ``python -m csqlab reproduce NAME [--full] [--out DIR]``.

* ``python -m csqlab reproduce --list`` — the experiments (Theorems A–D and the invariant polynomials and the
  contrasts of lesson 11), with the result each serves;
* ``python -m csqlab reproduce NAME`` — quick mode (under a minute on two cores): runs the
  sweep (finished runs cached in ``DIR/cache``, so an interrupted run resumes), writes
  ``DIR/NAME.csv``, ``DIR/NAME.json`` (tidy records) and ``DIR/NAME.png`` (the figure);
* ``--full`` — the larger sweep (all four learning rates, five seeds, more steps);
* ``python -m csqlab cache-results [NAME ...]`` — developer tool: recompute the results
  shipped in ``csqlab/data`` (full mode) and their manifest.

Where the runs execute (both commands): by default one after the other in this process;
``--workers N`` starts a Dask ``LocalCluster`` of N worker processes with one thread each;
``--scheduler ADDRESS`` uses an existing Dask cluster (``pip install 'csqlab[cluster]'``;
its workers need csqlab). Each finished run is written to the cache by this process as it
completes, so a killed worker loses only the run it was computing and a rerun computes only
what is missing. Progress bars (over the runs, and over each run's steps when serial) show
when standard error is a terminal; ``--quiet`` turns them off, ``CSQLAB_PROGRESS=1`` / ``0``
forces them on / off.

A cache entry that fails to parse or verify its checksum is reported on stderr
(``warning: cache entry PATH is corrupt (REASON); recomputing``) and recomputed; a cache
directory that cannot take files stops the command before any training (``error: ...``,
exit status 1), and so do runs that failed on a cluster (after every other run is stored).

The training protocol is ours (lessons/notes/proof-maps.md, the experiment protocol): the paper does not give its settings.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import warnings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m csqlab",
                                     description="csqlab experiments (our experiment protocol, lessons/notes/proof-maps.md)")
    commands = parser.add_subparsers(dest="command", required=True)
    reproduce = commands.add_parser("reproduce", help="run an experiment and write its figure")
    reproduce.add_argument("name", nargs="?", help="experiment name (see --list)")
    reproduce.add_argument("--list", action="store_true", help="list the experiments")
    reproduce.add_argument("--full", action="store_true", help="full mode (larger sweep)")
    reproduce.add_argument("--out", default="csqlab-results",
                           help="output directory (default: csqlab-results)")
    reproduce.add_argument("--cache", default=None, help="cache directory (default: OUT/cache)")
    reproduce.add_argument("--device", default="auto", help="auto (CUDA if available), cpu, cuda")
    reproduce.add_argument("--threads", type=int, default=1,
                           help="torch CPU threads (default 1: small models train fastest so)")
    _execution_arguments(reproduce)
    cache = commands.add_parser("cache-results", help="recompute the results in csqlab/data")
    cache.add_argument("names", nargs="*", help="experiments (default: all)")
    cache.add_argument("--cache", default=None, help="cache directory for the runs")
    cache.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    _execution_arguments(cache)
    return parser


def _execution_arguments(command: argparse.ArgumentParser) -> None:
    where = command.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None, metavar="N",
                       help="run on a local Dask cluster of N single-threaded worker processes "
                            "(default: serial, in this process)")
    where.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run on the Dask cluster whose scheduler is at ADDRESS "
                            "(e.g. tcp://host:8786)")
    command.add_argument("--quiet", action="store_true",
                         help="no progress bars (default: shown when stderr is a terminal)")


@contextlib.contextmanager
def _errors_on_stderr():
    """The errors a sweep reports (an unusable cache directory, runs that failed on a
    cluster, dask.distributed missing) as one ``error: ...`` line; exit status 1."""
    from csqlab import experiments
    from csqlab.experiments.sweeps import ClusterError

    failure = {"status": 0}
    try:
        yield failure
    except (experiments.CacheDirectoryError, ClusterError) as error:
        print(f"error: {error}", file=sys.stderr)
        failure["status"] = 1


def _list() -> None:
    from csqlab import experiments

    cached = experiments.cached_experiments()
    width = max(len(name) for name in experiments.EXPERIMENTS)
    for name, spec in experiments.EXPERIMENTS.items():
        quick = len(spec.configs("quick"))
        mode = cached.get(name, {}).get("mode", "not cached")
        print(f"{name:<{width}}  {spec.section:<9} {quick:>2} quick runs, shipped: {mode:<10} "
              f"{spec.title}")


@contextlib.contextmanager
def _cache_warnings_on_stderr():
    """Cache warnings as one ``warning: ...`` line on stderr; other warnings as usual."""
    from csqlab import experiments

    with warnings.catch_warnings():
        shown = warnings.showwarning

        def show(message, category, filename, lineno, file=None, line=None):
            if issubclass(category, experiments.CacheCorruptionWarning):
                print(f"warning: {message}", file=sys.stderr, flush=True)
            else:
                shown(message, category, filename, lineno, file, line)

        warnings.showwarning = show
        yield


def main(argv=None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.threads < 1:
        print(f"--threads must be >= 1, got {arguments.threads}", file=sys.stderr)
        return 2
    if arguments.workers is not None and arguments.workers < 1:
        print(f"--workers must be >= 1, got {arguments.workers}", file=sys.stderr)
        return 2
    execution = {"scheduler": arguments.scheduler, "workers": arguments.workers,
                 "progress": False if arguments.quiet else None}
    if arguments.command == "cache-results":
        import torch

        from csqlab import experiments

        torch.set_num_threads(arguments.threads)
        with _cache_warnings_on_stderr(), _errors_on_stderr() as failure:
            experiments.cache_results(arguments.names or None, cache_dir=arguments.cache,
                                      **execution)
        return failure["status"]
    if arguments.list:
        _list()
        return 0
    if not arguments.name:
        print("reproduce needs an experiment NAME or --list", file=sys.stderr)
        return 2
    import torch

    from csqlab import experiments

    if arguments.name not in experiments.EXPERIMENTS:
        print(f"unknown experiment {arguments.name!r}; choose one of: "
              f"{', '.join(experiments.EXPERIMENTS)}", file=sys.stderr)
        return 2
    torch.set_num_threads(arguments.threads)
    with _cache_warnings_on_stderr(), _errors_on_stderr() as failure:
        result = experiments.reproduce(arguments.name, full=arguments.full, out=arguments.out,
                                       cache_dir=arguments.cache, device=arguments.device,
                                       **execution)
    if failure["status"]:
        return failure["status"]
    print(f"{arguments.name} ({'full' if arguments.full else 'quick'} mode): "
          f"{result.executed} runs executed, {result.loaded} loaded from the cache, "
          f"{result.seconds:.1f} s")
    for row in experiments.best_over_learning_rates(result.records):
        print(f"  {row['variant']:<6} size {row['size']:>3}: final test MSE "
              f"{row['test_mean']:.3f} ± {row['test_std']:.3f} (best lr {row['lr']:g}; "
              f"trivial {row['trivial_mean']:.3f})")
    for kind, path in result.paths.items():
        print(f"  wrote {kind}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
