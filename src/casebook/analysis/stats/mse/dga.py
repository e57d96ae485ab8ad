"""Bayesian model averaging over decomposable graphical models, as in HRDAG's dga.

Madigan & York (1997): each decomposable graph on the lists is a model of how they depend
on one another; with a hyper-Dirichlet prior (every cell of the full 2^k table weighted
`delta`) its marginal likelihood factorises over cliques and separators and is available in
closed form for every candidate number of unrecorded cases. Weighting each (graph, N) by
that likelihood, the multinomial coefficient and a prior on N gives the joint posterior;
summing over graphs gives the model-averaged posterior of N, summing over N the posterior
probability of each graph.

Defaults follow dga's documentation: delta = 2^−k, and the prior p(N) ∝ 1/N. The grid of
unrecorded counts starts at 0 and is extended until the posterior has vanished at its top
(refusing when it has not by 50 times the observed count, as happens when the one graph that
carries no information on N, the complete graph, keeps too much weight). Graphs are generated
(graphs.py); beyond 5 lists (822 graphs) there are 18,154 and more, too many to average in
seconds.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# scipy is imported where it is used: the URLs load this module in every casebook
# process (about a second of CPU), and most of them never compute a statistic.
from casebook.analysis.stats.mse.graphs import DecomposableGraph, decomposable_graphs
from casebook.analysis.stats.mse.patterns import CaptureTable, capture_table_check
from casebook.analysis.stats.refusal import Refused

MAX_LISTS = 5
GRID_LIMIT_FACTOR = 50  # × observed records
# The grid is long enough when, at its top, the posterior density has fallen below a
# millionth of its peak and the upper half of the grid holds less than 1e-4 of the mass:
# beyond, the estimate and its interval no longer move.
VANISHED = 1e-6
UPPER_HALF_MASS = 1e-4
CHUNK = 4096  # grid points per block, to bound memory at (graphs × CHUNK) doubles
# Left out of the exact pass: graphs and totals this far below the most probable one.
NEGLIGIBLE_GRAPH = 1e-9
NEGLIGIBLE_DENSITY = 1e-10


@dataclass(frozen=True)
class GraphPosterior:
    graph: DecomposableGraph
    probability: float
    mode: int
    bayes_relative: float  # E[1/N] / E[1/N²] under this graph alone


@dataclass(frozen=True)
class DgaResult:
    n_observed: int
    totals: np.ndarray  # candidate N
    posterior: np.ndarray  # model-averaged posterior probability of each N
    graphs: list[GraphPosterior]  # sorted by posterior probability, largest first
    delta: float
    graph_probability: np.ndarray  # of every graph averaged over, in their order

    @property
    def mean(self) -> float:
        return float(np.sum(self.totals * self.posterior))

    def quantile(self, q: float) -> int:
        """The smallest N whose posterior cumulative probability reaches q."""
        cumulative = np.cumsum(self.posterior)
        return int(self.totals[min(np.searchsorted(cumulative, q - 1e-12), len(self.totals) - 1)])

    @property
    def median(self) -> int:
        return self.quantile(0.5)

    @property
    def mode(self) -> int:
        return int(self.totals[int(np.argmax(self.posterior))])

    @property
    def bayes_relative(self) -> float:
        """The Bayes estimate under relative squared loss ((N̂ − N)/N)², Madigan & York's."""
        return _bayes_relative(self.totals, self.posterior)


def _bayes_relative(totals: np.ndarray, weights: np.ndarray) -> float:
    return float(np.sum(weights / totals) / np.sum(weights / totals**2))


def _subset_code(members, k: int) -> int:
    return sum(1 << (k - 1 - v) for v in members)


def _component_terms(table: CaptureTable, delta: float, missing: np.ndarray) -> np.ndarray:
    """Log marginal likelihood of each margin (row = subset code − 1) at each grid point."""
    from scipy import special

    k = table.k
    full = table.full_array()
    rows = np.zeros((2**k - 1, len(missing)))
    for code in range(1, 2**k):
        members = [v for v in range(k) if code >> (k - 1 - v) & 1]
        others = tuple(v for v in range(k) if v not in members)
        margin = full.sum(axis=others) if others else full
        cells = margin.ravel()  # the first cell is "on none of these lists"
        alpha = delta * 2 ** (k - len(members))
        fixed = np.sum(special.gammaln(cells[1:] + alpha) - special.gammaln(alpha))
        rows[code - 1] = (
            fixed + special.gammaln(cells[0] + missing + alpha) - special.gammaln(alpha)
        )
    return rows


def _graph_matrix(graphs, k: int) -> tuple[np.ndarray, np.ndarray]:
    signs = np.zeros((len(graphs), 2**k - 1))
    pieces = np.zeros(len(graphs))
    for g, graph in enumerate(graphs):
        for clique in graph.cliques:
            signs[g, _subset_code(clique, k) - 1] += 1
        for separator in graph.separators:
            signs[g, _subset_code(separator, k) - 1] -= 1
        pieces[g] = len(graph.cliques) - len(graph.separators)
    return signs, pieces


def _log_weights(table, graphs, delta, missing, log_prior):
    """Unnormalised log posterior of every (graph, N) pair, as a (graphs × grid) block."""
    from scipy import special

    k = table.k
    n = table.n_observed
    totals = n + missing
    signs, pieces = _graph_matrix(graphs, k)
    components = _component_terms(table, delta, missing)
    all_alpha = delta * 2**k
    normaliser = special.gammaln(all_alpha) - special.gammaln(totals + all_alpha)
    multinomial = (
        special.gammaln(totals + 1)
        - np.sum(special.gammaln(table.counts + 1))
        - special.gammaln(missing + 1)
    )
    return (
        signs @ components
        + pieces[:, None] * normaliser[None, :]
        + (multinomial + log_prior(totals))[None, :]
    )


def default_log_prior(totals: np.ndarray) -> np.ndarray:
    return -np.log(totals)


def dga_posterior(
    table: CaptureTable,
    *,
    delta: float | None = None,
    missing: np.ndarray | None = None,
    log_prior: Callable[[np.ndarray], np.ndarray] = default_log_prior,
) -> DgaResult:
    """The model-averaged posterior of the total N over every decomposable graph.

    `missing` is the grid of candidate unrecorded counts (dga's `Nmissing`); without it the
    grid is 0, 1, … and grows until the posterior vanishes.
    """
    capture_table_check(table)
    if table.k > MAX_LISTS:
        raise Refused(
            f"{table.k} lists: averaging over every decomposable graph is practical up to "
            f"{MAX_LISTS} lists; use the log-linear or latent-class method, or merge lists."
        )
    delta = 2.0**-table.k if delta is None else delta
    graphs = decomposable_graphs(table.k)
    n = table.n_observed
    if missing is not None:
        return _posterior(table, graphs, delta, np.asarray(missing, dtype=float), log_prior)
    # A coarse pass (about 2,000 grid points) finds how far the grid must reach and which
    # graphs matter; the exact pass then runs over every integer where the posterior has
    # mass, for the graphs that have some. Five lists over a grid of 100,000 would otherwise
    # mean 822 × 100,000 likelihoods.
    top = max(4 * n, 1000)
    while True:
        step = max(1, top // 2000)
        coarse = _posterior(
            table,
            graphs,
            delta,
            np.arange(0, top + 1, step, dtype=float),
            log_prior,
            summaries=0,
        )
        upper_half = coarse.posterior[len(coarse.posterior) // 2 :].sum()
        if coarse.posterior[-1] <= VANISHED * coarse.posterior.max() and (
            upper_half < UPPER_HALF_MASS
        ):
            break
        if top >= GRID_LIMIT_FACTOR * n:
            raise Refused(
                f"The posterior of the total does not vanish below {GRID_LIMIT_FACTOR} times "
                f"the {n:,} records observed: these lists overlap too little to bound what "
                "they missed."
            )
        top = min(top * 2, GRID_LIMIT_FACTOR * n)
    weighty = coarse.graph_probability >= NEGLIGIBLE_GRAPH * coarse.graph_probability.max()
    kept = [graph for graph, keep in zip(graphs, weighty, strict=True) if keep]
    support = np.nonzero(coarse.posterior >= NEGLIGIBLE_DENSITY * coarse.posterior.max())[0]
    low = max(0.0, coarse.totals[support[0]] - n - step)
    high = min(float(top), coarse.totals[support[-1]] - n + step)
    return _posterior(table, kept, delta, np.arange(low, high + 1, dtype=float), log_prior)


def _posterior(table, graphs, delta, missing, log_prior, *, summaries: int = 20) -> DgaResult:
    # Work in blocks of the grid and keep only per-graph and per-N sums, so that 822 graphs
    # over a grid of 100,000 never need the whole (graphs × grid) array at once.
    from scipy import special

    per_graph_blocks = []
    per_total_blocks = []
    for begin in range(0, len(missing), CHUNK):
        block = _log_weights(table, graphs, delta, missing[begin : begin + CHUNK], log_prior)
        per_graph_blocks.append(special.logsumexp(block, axis=1))
        per_total_blocks.append(special.logsumexp(block, axis=0))
    per_graph = special.logsumexp(np.column_stack(per_graph_blocks), axis=1)
    per_total = np.concatenate(per_total_blocks)
    overall = special.logsumexp(per_total)
    if not math.isfinite(overall):
        raise Refused("The posterior could not be computed for these lists.")
    posterior = np.exp(per_total - overall)
    graph_probability = np.exp(per_graph - overall)
    totals = table.n_observed + missing
    order = np.argsort(-graph_probability)
    graph_summaries = []
    for g in order[:summaries]:
        # One graph's own posterior over N, for its mode and Bayes estimate.
        own = np.concatenate(
            [
                _log_weights(table, [graphs[g]], delta, missing[b : b + CHUNK], log_prior)[0]
                for b in range(0, len(missing), CHUNK)
            ]
        )
        own = np.exp(own - own.max())
        graph_summaries.append(
            GraphPosterior(
                graph=graphs[g],
                probability=float(graph_probability[g]),
                mode=int(totals[int(np.argmax(own))]),
                bayes_relative=_bayes_relative(totals, own),
            )
        )
    return DgaResult(
        n_observed=table.n_observed,
        totals=totals,
        posterior=posterior,
        graphs=graph_summaries,
        delta=delta,
        graph_probability=graph_probability,
    )
