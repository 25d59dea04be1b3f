"""Files that could not be audited. The engine reports these itself; the classes give
them an id, a title and documentation like every other rule."""
