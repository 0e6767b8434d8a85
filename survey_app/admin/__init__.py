"""Administration of a ward: the ward itself, its residential groups and its rounds."""
