"""How big the synthetic instance is, and how often each operation is timed."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scale:
    name: str
    municipalities: int
    regions: int
    agencies: int
    companies: int  # municipal companies
    suppliers: int
    assets: int  # each with one classification
    contracts: int
    subprocessor_links: int
    # The share of municipalities that contract the one supplier nearly everyone uses (as
    # Adato was by about 80 % of Swedish municipalities before the Miljödata breach).
    big_supplier_share: float
    # Suppliers that use the big supplier as a sub-processor (customers of customers).
    big_supplier_users: int
    assessments: int
    questions_per_assessment: int  # each answered (in part, while with the supplier)
    findings: int
    import_rows: int
    # Timed runs per operation are min(the operation's own number, max_repeats).
    max_repeats: int
    # One untimed run first (templates loaded, fonts read, plans cached), as in a long-running
    # web process; small scale skips it to stay fast.
    warmup: bool

    @property
    def organisations(self) -> int:
        return self.municipalities + self.regions + self.agencies + self.companies


# Sweden: 290 municipalities, 21 regions, the rest agencies and municipal companies.
NATIONAL = Scale(
    name="national",
    municipalities=290,
    regions=21,
    agencies=180,
    companies=159,
    suppliers=20_000,
    assets=200_000,
    contracts=200_000,
    subprocessor_links=40_000,
    big_supplier_share=0.8,
    big_supplier_users=20,
    assessments=20_000,
    questions_per_assessment=25,
    findings=50_000,
    import_rows=100_000,
    max_repeats=20,
    warmup=True,
)

# The smoke test's scale: every operation runs once on a dataset that builds in a second.
SMALL = Scale(
    name="small",
    municipalities=10,
    regions=2,
    agencies=3,
    companies=3,
    suppliers=150,
    assets=1_000,
    contracts=1_000,
    subprocessor_links=300,
    big_supplier_share=0.8,
    big_supplier_users=2,
    assessments=200,
    questions_per_assessment=10,
    findings=500,
    import_rows=500,
    max_repeats=1,
    warmup=False,
)

SCALES = {scale.name: scale for scale in (SMALL, NATIONAL)}
