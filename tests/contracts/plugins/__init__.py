"""One harness per registered plugin: the plugin-specific side of the contract suite."""
