"""The tables of a ledger: what each importer stores, and the key that makes an import idempotent.

Every table carries ``import_id`` (which import wrote the row). Keys: Slurm jobs by (cluster, job id, task,
submit time), the identity Slurm's own database uses (a requeued job gets a new submit time; ``task`` is an array
task ``_5``, a pending range ``_[1-3]``, a heterogeneous component ``+1``, or ''); tracker records by
the id the tracker wrote; bills, energy and Kubernetes rows by a hash of the row and its occurrence among
identical rows, so a file that lists the same charge twice keeps both and a second import adds neither.
"""

from __future__ import annotations

from dataclasses import dataclass

DEC_COST = "decimal(38, 18)"  # FOCUS costs: exact sums, equal to the file's own
DEC_QTY = "decimal(38, 12)"


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: dict[str, str]  # column -> ibis type string, in storage order (import_id last)
    key: tuple[str, ...]
    # DuckDB: rows are stored with why they are bad (``_err``) or skipped (``_skip``) while an import runs; a table
    # imported by the fast path (jobs) tags its rows in import_id instead and has no such columns
    work_columns: bool = True

    @property
    def data_columns(self) -> list[str]:
        return [c for c in self.columns if c != "import_id"]


JOBS = TableSpec("jobs", {
    "cluster": "string", "job_id": "int64", "task": "string", "submit": "timestamp", "job_name": "string",
    "user": "string", "account": "string", "partition": "string", "state": "string", "end": "timestamp",
    "elapsed": "int64", "gpus": "int64", "import_id": "int64",
}, ("cluster", "job_id", "task", "submit"), work_columns=False)

# FOCUS 1.0, plus the columns 1.1 and 1.2 added (FOCUS_Spec specification/columns at tags v1.0, v1.1, v1.2)
FOCUS_10 = (
    "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
    "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargeFrequency", "ChargePeriodEnd",
    "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId", "CommitmentDiscountName",
    "CommitmentDiscountStatus", "CommitmentDiscountType", "ConsumedQuantity", "ConsumedUnit", "ContractedCost",
    "ContractedUnitPrice", "EffectiveCost", "InvoiceIssuerName", "ListCost", "ListUnitPrice", "PricingCategory",
    "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "RegionId", "RegionName", "ResourceId",
    "ResourceName", "ResourceType", "ServiceCategory", "ServiceName", "SkuId", "SkuPriceId", "SubAccountId",
    "SubAccountName", "Tags",
)
FOCUS_11 = ("CapacityReservationId", "CapacityReservationStatus", "CommitmentDiscountQuantity",
            "CommitmentDiscountUnit", "ServiceSubcategory", "SkuMeter", "SkuPriceDetails")
FOCUS_12 = ("BillingAccountType", "InvoiceId", "PricingCurrency", "PricingCurrencyContractedUnitPrice",
            "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "SubAccountType")
FOCUS_COLUMNS = FOCUS_10 + FOCUS_11 + FOCUS_12
FOCUS_DECIMAL = {"BilledCost", "EffectiveCost", "ListCost", "ContractedCost", "ListUnitPrice", "ContractedUnitPrice",
                 "PricingQuantity", "ConsumedQuantity", "CommitmentDiscountQuantity",
                 "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice"}
FOCUS_TIME = {"BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"}


def _focus_type(c: str) -> str:
    return DEC_COST if c in FOCUS_DECIMAL else "timestamp" if c in FOCUS_TIME else "string"


BILLS = TableSpec("bills", {
    "row_hash": "string", "occurrence": "int64", **{c: _focus_type(c) for c in FOCUS_COLUMNS},
    "x_extra": "string", "focus_version": "string", "import_id": "int64",
}, ("row_hash", "occurrence"))

ENERGY = TableSpec("energy", {
    "row_hash": "string", "occurrence": "int64", "timestamp": "timestamp", "project_name": "string",
    "run_id": "string", "experiment_id": "string", "duration_s": DEC_QTY, "energy_kwh": DEC_QTY,
    "gpu_energy_kwh": DEC_QTY, "gpu_power_w": DEC_QTY, "gpu_count": "int64", "gpu_model": "string",
    "emissions_kg": DEC_QTY, "codecarbon_version": "string", "import_id": "int64",
}, ("row_hash", "occurrence"))

K8S = TableSpec("k8s", {
    "row_hash": "string", "occurrence": "int64", "window_start": "timestamp", "window_end": "timestamp",
    "cluster": "string", "node": "string", "namespace": "string", "controller_kind": "string",
    "controller": "string", "pod": "string", "container": "string", "labels": "string",
    "gpu_hours": DEC_QTY, "gpu_cost": DEC_COST, "total_cost": DEC_COST, "idle": "boolean", "import_id": "int64",
}, ("row_hash", "occurrence"))

TRACKER = TableSpec("tracker", {
    "record_id": "string", "model": "string", "phase": "string", "phase_label": "string", "start": "timestamp",
    "end": "timestamp", "duration_s": DEC_QTY, "gpus": "int64", "gpu_energy_kwh": DEC_QTY,
    "slurm_job_id": "int64", "slurm_cluster": "string", "host": "string", "user": "string", "command": "string",
    "exit_code": "int64", "import_id": "int64",
}, ("record_id",))

IMPORTS = TableSpec("imports", {
    "import_id": "int64", "kind": "string", "file": "string", "at": "timestamp", "rows": "int64",
    "inserted": "int64", "updated": "int64", "unchanged": "int64", "duplicates": "int64", "skipped": "int64",
    "rejected": "int64",
}, ("import_id",))

CONFIG = TableSpec("config", {"key": "string", "name": "string", "text": "string"}, ("key",))

DATA_TABLES = (JOBS, BILLS, ENERGY, K8S, TRACKER)
ALL_TABLES = (*DATA_TABLES, IMPORTS, CONFIG)
BY_NAME = {t.name: t for t in ALL_TABLES}
