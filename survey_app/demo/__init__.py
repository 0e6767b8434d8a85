"""The demo ward shaped like phường Dĩnh Kế, for trying the platform and for the tests."""
