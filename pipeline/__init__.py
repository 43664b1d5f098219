"""The pipeline: land, build, generate semantics and publish each tenant, above the layers it composes."""
