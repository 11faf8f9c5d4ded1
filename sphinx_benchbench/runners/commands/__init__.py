"""Running commands: under a keeper, stamped line by line, stoppable, with signals handled."""
