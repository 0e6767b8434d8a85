"""Public posting (niêm yết công khai) of a round's locked result and residents' comments."""
