"""A stand-in for PyTorch with just what scripts/check_tracker_nvml.py's workload calls."""

bfloat16 = None


class _Matrix:
    def __matmul__(self, other: "_Matrix") -> "_Matrix":
        return self


def randn(*shape, **kw):
    return _Matrix()


class cuda:  # noqa: N801
    @staticmethod
    def synchronize() -> None:
        pass
