"""Where implementations run: here, or as Slurm jobs."""
