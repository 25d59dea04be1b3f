"""DBS: the database layer: async engines for async apps, constraint naming, and the
table/column naming conventions that keep a schema predictable."""
