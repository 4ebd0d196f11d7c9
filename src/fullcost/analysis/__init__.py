"""Beyond the headline: check a claimed figure, price a replication, project costs forward."""
