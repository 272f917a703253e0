from tests.targets.conftest import county_firms  # noqa: F401  (shared small county)
