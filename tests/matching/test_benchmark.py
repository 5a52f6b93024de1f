"""The smallest size of the matching benchmark (one real circonscription) as a test.

Through the benchmark's own functions (real data → facts → `build_arcs` → the three
solvers): the plan equals the exact integer program and serves at least as many requests
as greedy. No database; skipped when ../shared/data is absent.
"""

import pytest

from benchmarks import matching as benchmark
from tests.conftest import ANNUAIRE_35, COMMUNES, shared_file


@pytest.fixture(scope="module")
def data() -> benchmark.Data:
    return benchmark.load_data(shared_file(COMMUNES), shared_file(ANNUAIRE_35))


@pytest.mark.shared_data
@pytest.mark.parametrize("seed", [2024, 1, 5])
def test_the_plan_of_one_circonscription_is_optimal_and_serves_at_least_greedy(data, seed):
    measure = benchmark.measure(benchmark.build_instance("circonscription", data, seed))

    plan, greedy, exact = (measure.runs[m].plan.objective for m in ("plan", "greedy", "exact"))
    assert len(measure.instance.requests) == 55  # the écoles of the circonscription of Vitré
    assert plan == exact
    assert plan.served >= greedy.served
    assert benchmark.verdict(measure)[1]
