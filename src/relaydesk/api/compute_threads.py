"""How many threads the models' arithmetic uses in a server process."""

from __future__ import annotations


def one_blas_thread() -> None:
    """Serve with one BLAS thread per process. A turn multiplies one message's vectors by
    small matrices, where OpenBLAS's extra threads only wait for a core: on two busy cores
    the similarity of one vector to 1,000 training vectors took ten times the CPU with two
    threads. Several workers are the way to use several cores."""
    from threadpoolctl import threadpool_limits  # lazy: it inspects the loaded libraries

    threadpool_limits(limits=1, user_api="blas")  # kept for the process's life, not a block
