"""Running commands and deciding what runs: the keeper, signals, progress, the plan and the orchestration."""
